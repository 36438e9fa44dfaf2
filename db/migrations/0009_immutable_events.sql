-- The event log is immutable, and the database enforces it: UPDATE, DELETE and TRUNCATE on
-- `events` are refused by statement triggers, for every client (the app, psql, a bad script).
--
-- Maintenance path (documented in the README, "Immutable log"; no application code takes it):
-- an operator who really must change the log (e.g. restore from a broken import) does so in a
-- transaction that first runs `SET LOCAL ledger.maintenance = 'on'`. The setting is
-- transaction-local, so it cannot leak to other work on a pooled connection; the trigger
-- raises a NOTICE naming the operation, so the exception shows in the server log.
CREATE OR REPLACE FUNCTION ledger_events_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('ledger.maintenance', true), '') = 'on' THEN
    RAISE NOTICE 'ledger maintenance: % on events allowed by ledger.maintenance', TG_OP;
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'events are immutable: % on events is refused', TG_OP
    USING ERRCODE = 'LG423',
          HINT = 'The event log is append-only. See README "Immutable log" for the maintenance path.';
END
$$;--> statement-breakpoint
DROP TRIGGER IF EXISTS events_immutable_rows ON events;--> statement-breakpoint
CREATE TRIGGER events_immutable_rows BEFORE UPDATE OR DELETE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_immutable();--> statement-breakpoint
DROP TRIGGER IF EXISTS events_immutable_truncate ON events;--> statement-breakpoint
CREATE TRIGGER events_immutable_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_immutable();
