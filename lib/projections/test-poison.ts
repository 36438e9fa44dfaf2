import fs from "node:fs";
import type { RecordedEvent } from "@/lib/eventstore";
import { projections as registry } from "./index";
import type { Projection } from "./types";

/**
 * Test hook for the browser tests (e2e/parked.spec.ts), which cannot reach into the app's
 * process: with LEDGER_TEST_POISON_FILE set, `customer_list` throws on a registration or rename
 * to the name written in that file, for as long as the file exists, as a projection with a bug
 * would. The runner retries it and then parks it; deleting the file is "the fix" after which
 * Retry applies it. Unset (always, outside the tests): undefined, and the registered projections
 * run untouched.
 *
 * The poisoned projection is a plain object without the read-ahead hook (read-ahead.ts), so that
 * every batch goes through `handle`. The error names no customer (personal data).
 */
export function projectionsWithTestPoison(file: string | undefined): readonly Projection[] | undefined {
  if (!file) return undefined;
  console.warn(`[ledger] test hook: customer_list cannot handle the customer named in ${file} while it exists`);
  return registry.map((projection) => (projection.name === "customer_list" ? poisoned(projection, file) : projection));
}

function poisoned(projection: Projection, file: string): Projection {
  return {
    name: projection.name,
    tables: projection.tables,
    canHandle: projection.canHandle,
    failurePolicy: projection.failurePolicy,
    async handle(tx, events, table) {
      const poison = poisonName(file);
      if (poison && events.some((event) => nameIn(event) === poison)) {
        throw new Error("test poison: customer_list cannot handle this event (LEDGER_TEST_POISON_FILE)");
      }
      return projection.handle(tx, events, table);
    },
  };
}

function poisonName(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8").trim() || null;
  } catch {
    return null; // no file: fixed
  }
}

function nameIn(event: RecordedEvent): unknown {
  const data = event.data as { name?: unknown; newName?: unknown } | null;
  return event.type === "CustomerRegistered" ? data?.name : event.type === "CustomerRenamed" ? data?.newName : undefined;
}
