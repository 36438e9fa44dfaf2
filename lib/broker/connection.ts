import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";

/** A connection to NATS with its JetStream client and manager. */
export interface Broker {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** The server's address, for logs. */
  describe: string;
  close(): Promise<void>;
}

export interface BrokerOptions {
  /** Connection name shown by the server (`nats server report connections`). */
  name?: string;
  /** Milliseconds to wait for a publish's ack or an API reply (default 5000). */
  timeoutMs?: number;
}

/**
 * Connect to NATS at `url` (comma-separated for several servers). Reconnects forever: the
 * client's default gives up after about 20 s of outage and that connection never recovers
 * (STACK.md), while the publisher and the consumers must outlive any outage. The first connect
 * itself waits for the server (`waitOnFirstConnect`), so a process started before its broker
 * comes up instead of failing.
 */
export async function connectBroker(url: string, options: BrokerOptions = {}): Promise<Broker> {
  const servers = url.split(",").map((s) => s.trim()).filter(Boolean);
  const nc = await connect({
    servers,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    timeout: options.timeoutMs ?? 5000,
  });
  const timeout = options.timeoutMs ?? 5000;
  const js = jetstream(nc, { timeout });
  const jsm = await jetstreamManager(nc, { timeout });
  return {
    nc,
    js,
    jsm,
    describe: servers.map(redactUrl).join(","),
    async close() {
      await nc.drain().catch(() => nc.close());
    },
  };
}

/** A server address without its credentials. */
export const redactUrl = (url: string) => url.replace(/\/\/[^@/]*@/, "//***@");
