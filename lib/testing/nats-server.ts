import { after, before } from "node:test";
import { connectBroker, type Broker } from "@/lib/broker/connection";
import { natsServerAvailable, startNatsServer, type TestNatsServer } from "@/lib/broker/local-server";

// Tests start a broker of their own (lib/broker/local-server.ts); re-exported here for them.
export { freePort, natsServerAvailable, startNatsServer, type TestNatsServer } from "@/lib/broker/local-server";

/** Why NATS tests are skipped on this machine (no nats-server binary), else false: pass as `{ skip }`. */
export function natsSkipReason(): string | false {
  return natsServerAvailable() ? false : "nats-server is not installed (apt-get install nats-server)";
}

/** A test file's own broker: its server and a connection to it. */
export interface FileNats {
  /** false, or why every test that needs the broker is to be skipped (then nothing was started). */
  readonly skip: string | false;
  readonly server: TestNatsServer;
  readonly url: string;
  readonly broker: Broker;
}

/**
 * Start a nats-server of this test file's own before its tests and connect to it; close the
 * connection and remove the server (and its store) after them. Call once at the top level of the
 * file. Without a nats-server binary nothing starts and `skip` says why; the tests that use the
 * broker must then be skipped with it (reading `server`, `url` or `broker` throws).
 */
export function useFileNats(): FileNats {
  const skip = natsSkipReason();
  let server: TestNatsServer | undefined;
  let broker: Broker | undefined;
  before(async () => {
    if (skip) return;
    server = await startNatsServer();
    broker = await connectBroker(server.url);
  });
  after(async () => {
    await broker?.close();
    await server?.dispose();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error(skip || "the test broker is used before its before() hook ran");
    return value;
  };
  return {
    skip,
    get server() {
      return started(server);
    },
    get url() {
      return started(server).url;
    },
    get broker() {
      return started(broker);
    },
  };
}
