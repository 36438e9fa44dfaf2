-- ledger_append takes the append lock: a horizon that only the log's writers can hold.
--
-- Followers read in (transaction id, position) order and, until now, only below
-- pg_snapshot_xmin: the oldest transaction running anywhere in the cluster, so a forgotten
-- `BEGIN` in psql on another database froze every projection. Now every append first takes a
-- shared transaction-level advisory lock (key 727004; shared, so appends never wait on each
-- other), and followers hold back only for transactions that hold it (lib/eventstore/sql/
-- horizon.ts has the proof). The proof needs the lock taken before the transaction has a
-- transaction id: an append in a transaction that had already written something is refused
-- (LG400) unless that transaction took the lock first (`lockForAppend`).
--
-- Otherwise unchanged from 0003: see 0001 for the contract.
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
  v_new bigint;
  v_current bigint;
  v_positions jsonb;
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

  IF p_expected = 'no_stream' THEN
    INSERT INTO streams (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, n)
      ON CONFLICT (stream_id) DO NOTHING;
    IF NOT FOUND THEN
      SELECT s.version INTO v_current FROM streams s WHERE s.stream_id = p_stream_id;
      RAISE EXCEPTION USING ERRCODE = 'LG409', MESSAGE = 'version conflict',
        DETAIL = json_build_object('expected', 'no_stream', 'actual', coalesce(v_current, 0))::text;
    END IF;
    v_new := n;
  ELSIF p_expected = 'any' THEN
    INSERT INTO streams AS s (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, n)
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + n, updated_at = now()
      RETURNING s.version INTO v_new;
  ELSIF p_expected = 'stream_exists' THEN
    UPDATE streams s SET version = s.version + n, updated_at = now()
      WHERE s.stream_id = p_stream_id RETURNING s.version INTO v_new;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'LG409', MESSAGE = 'version conflict',
        DETAIL = json_build_object('expected', 'stream_exists', 'actual', 0)::text;
    END IF;
  ELSE
    UPDATE streams s SET version = s.version + n, updated_at = now()
      WHERE s.stream_id = p_stream_id AND s.version = p_expected::bigint RETURNING s.version INTO v_new;
    IF NOT FOUND THEN
      SELECT s.version INTO v_current FROM streams s WHERE s.stream_id = p_stream_id;
      RAISE EXCEPTION USING ERRCODE = 'LG409', MESSAGE = 'version conflict',
        DETAIL = json_build_object('expected', p_expected::bigint, 'actual', coalesce(v_current, 0))::text;
    END IF;
  END IF;

  WITH inserted AS (
    INSERT INTO events (id, stream_id, version, type, schema_version, data, metadata)
    SELECT (e.value->>'id')::uuid, p_stream_id, v_new - n + e.ordinality, e.value->>'type',
           coalesce((e.value->>'schemaVersion')::int, 1), e.value->'data', e.value->'metadata'
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ordinality)
    ORDER BY e.ordinality
    RETURNING position
  )
  SELECT jsonb_agg(position ORDER BY position), max(position) INTO v_positions, v_last FROM inserted;

  IF p_command_id IS NOT NULL THEN
    UPDATE commands SET version = v_new, position = v_last WHERE command_id = p_command_id;
  END IF;

  RETURN QUERY SELECT v_new, v_positions, false, now(), pg_current_xact_id()::text;
END;
$$;
--> statement-breakpoint


-- Take the append lock for the rest of the transaction, before its first write (see above).
CREATE OR REPLACE FUNCTION ledger_lock_for_append() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('ledger.append_locked', true) IS DISTINCT FROM 'on' THEN
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'LG400',
        MESSAGE = 'the append lock must be taken before the transaction writes anything';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(727004);
    PERFORM set_config('ledger.append_locked', 'on', true);
  END IF;
END;
$$;
