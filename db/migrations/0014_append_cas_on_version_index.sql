-- The unique (stream_id, version) index is the compare-and-set; the `streams` table goes.
--
-- Until now every append wrote its stream's row in `streams` (INSERT or UPDATE of the version)
-- and then the events: two rows, two heap writes and their index entries, where an event store
-- needs one. Nothing read the table but the append itself and `streamVersion`: the stream type is
-- the stream id's prefix, a stream's version is its highest event's.
--
-- Now an append claims its first version by inserting it, `ON CONFLICT (stream_id, version) DO
-- NOTHING`, into the unique index that already stood behind the row as its backstop:
-- - a number N: version N must exist (so the stream is at N or beyond) and N + 1 must not; of
--   two appends at the same N, the second waits on the first's index entry until it commits, then
--   finds the conflict (or, if the first rolled back, inserts);
-- - 'no_stream': version 1;
-- - 'stream_exists' and 'any': the highest version + 1 ('stream_exists' refuses a stream with
--   none); losing the claim to a concurrent append is no conflict for them: re-read, claim again.
-- The rest of a batch (versions first + 1 …) follows the claimed one. No one else can hold them:
-- an append inserts a version only after claiming the lowest version of its own batch, and claims
-- version V + 1 only once V exists (or, for 'no_stream', V + 1 = 1), so the versions above a
-- claimed one belong to its claimer until it commits or rolls back.
-- A conflict raises LG409 with DETAIL {"expected", "actual"} as before; actual is the stream's
-- highest version (0: no stream). The raise rolls back whatever the call inserted.
--
-- Unchanged: the signature (p_stream_type is no longer stored: callers need not change), the
-- append lock and its LG400 rule (0011), the command-id record (0001).
CREATE OR REPLACE FUNCTION ledger_append(
  p_stream_id text,
  p_stream_type text,
  p_expected text,
  p_events jsonb,
  p_command_id text
) RETURNS TABLE (out_version bigint, out_positions jsonb, out_duplicate boolean, out_created_at timestamptz, out_transaction_id text)
LANGUAGE plpgsql AS $$
DECLARE
  n int := jsonb_array_length(p_events);
  v_exact boolean := p_expected NOT IN ('no_stream', 'any', 'stream_exists');
  v_base bigint;
  v_first bigint;
  v_current bigint;
  v_rest jsonb;
  v_last bigint;
  v_prev_version bigint;
  v_prev_position bigint;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(727004);
  IF current_setting('ledger.append_locked', true) IS DISTINCT FROM 'on' THEN
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'LG400',
        MESSAGE = 'append in a transaction that wrote before taking the append lock (call lockForAppend first)';
    END IF;
    PERFORM set_config('ledger.append_locked', 'on', true);
  END IF;
  IF n < 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'LG400', MESSAGE = 'append needs at least one event';
  END IF;

  IF p_command_id IS NOT NULL THEN
    INSERT INTO commands (command_id, stream_id) VALUES (p_command_id, p_stream_id)
      ON CONFLICT (command_id) DO NOTHING;
    IF NOT FOUND THEN
      SELECT c.version, c.position INTO v_prev_version, v_prev_position FROM commands c WHERE c.command_id = p_command_id;
      RETURN QUERY SELECT v_prev_version, CASE WHEN v_prev_position IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(v_prev_position) END, true, now(), NULL::text;
      RETURN;
    END IF;
  END IF;

  LOOP
    IF p_expected = 'no_stream' THEN
      v_base := 0;
    ELSIF v_exact THEN
      v_base := p_expected::bigint;
    ELSE
      SELECT coalesce(max(e.version), 0) INTO v_base FROM events e WHERE e.stream_id = p_stream_id;
      IF v_base = 0 AND p_expected = 'stream_exists' THEN
        RAISE EXCEPTION USING ERRCODE = 'LG409', MESSAGE = 'version conflict',
          DETAIL = json_build_object('expected', 'stream_exists', 'actual', 0)::text;
      END IF;
    END IF;

    INSERT INTO events (id, stream_id, version, type, schema_version, data, metadata)
    SELECT (p_events->0->>'id')::uuid, p_stream_id, v_base + 1, p_events->0->>'type',
           coalesce((p_events->0->>'schemaVersion')::int, 1), p_events->0->'data', p_events->0->'metadata'
    WHERE NOT v_exact OR EXISTS (SELECT 1 FROM events e WHERE e.stream_id = p_stream_id AND e.version = v_base)
    ON CONFLICT (stream_id, version) DO NOTHING
    RETURNING position INTO v_first;
    EXIT WHEN FOUND;

    IF p_expected = 'no_stream' OR v_exact THEN
      SELECT coalesce(max(e.version), 0) INTO v_current FROM events e WHERE e.stream_id = p_stream_id;
      RAISE EXCEPTION USING ERRCODE = 'LG409', MESSAGE = 'version conflict',
        DETAIL = json_build_object('expected', CASE WHEN v_exact THEN to_json(p_expected::bigint) ELSE to_json(p_expected) END,
                                   'actual', v_current)::text;
    END IF;
    -- 'any' / 'stream_exists': a concurrent append took v_base + 1 (and has committed: ON CONFLICT
    -- waited for it). Claim above its events.
  END LOOP;

  v_last := v_first;
  IF n > 1 THEN
    WITH inserted AS (
      INSERT INTO events (id, stream_id, version, type, schema_version, data, metadata)
      SELECT (e.value->>'id')::uuid, p_stream_id, v_base + e.ordinality, e.value->>'type',
             coalesce((e.value->>'schemaVersion')::int, 1), e.value->'data', e.value->'metadata'
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ordinality)
      WHERE e.ordinality > 1
      ORDER BY e.ordinality
      RETURNING position
    )
    SELECT jsonb_agg(position ORDER BY position), max(position) INTO v_rest, v_last FROM inserted;
  END IF;

  IF p_command_id IS NOT NULL THEN
    UPDATE commands SET version = v_base + n, position = v_last WHERE command_id = p_command_id;
  END IF;

  RETURN QUERY SELECT v_base + n, jsonb_build_array(v_first) || coalesce(v_rest, '[]'::jsonb), false, now(), pg_current_xact_id()::text;
END;
$$;
--> statement-breakpoint
DROP TABLE "streams" CASCADE;
