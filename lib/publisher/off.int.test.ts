import assert from "node:assert/strict";
import { it } from "node:test";
import { createLedger } from "@/lib/server/ledger";
import { quietLog } from "@/lib/testing/projections";
import { describeEachDatabase } from "@/lib/testing/test-db";

describeEachDatabase("the publisher without NATS_URL", (_kind, create) => {
  it("is off, and the projections status says so beside the projections", async () => {
    const t = await create();
    const ledger = await createLedger(t.database, { migrate: false, identity: false, masterKey: null, projections: { inProcess: true, runner: { log: quietLog } } });
    try {
      assert.equal(ledger.publisher, null);
      const statuses = await ledger.projections!.status();
      const publisher = statuses.find((s) => s.kind === "publisher");
      assert.ok(publisher, "a publisher row");
      assert.equal(publisher.status, "off");
      assert.match(publisher.note ?? "", /NATS_URL/);
      assert.ok(statuses.some((s) => s.name === "customer_list"));
    } finally {
      await ledger.projections!.stop();
      await t.drop();
    }
  });
});
