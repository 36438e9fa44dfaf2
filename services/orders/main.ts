// The orders service as its own process. Env: NATS_URL (required); ORDERS_DATABASE_URL (its own
// PostgreSQL database) or ORDERS_DATA_DIR (its own PGlite directory, default ./.data/orders);
// ORDERS_PORT (default 3101); ORDERS_MASTER_KEY (base64, 32 bytes; default a generated
// ./.data/orders-master-key) wraps the keys of the orders' copied addresses; SERVICE_TOKEN (what
// API callers must present; default a generated ./.data/service-token); SERVICE_WORKERS (8),
// SERVICE_MAX_ACK_PENDING (256).
import path from "node:path";
import { loadMasterKey } from "@/lib/eventstore";
import { serviceDatabaseFromEnv } from "../shared/database";
import { loadServiceToken, positiveNumber, requireNatsUrl, stopOnSignals } from "../shared/main";
import { startOrdersService } from "./service";

const env = process.env;
const service = await startOrdersService({
  database: serviceDatabaseFromEnv("ORDERS", path.join(process.cwd(), ".data", "orders")),
  natsUrl: requireNatsUrl(env, "orders"),
  token: loadServiceToken(env, path.join(process.cwd(), ".data", "service-token"), "orders"),
  port: positiveNumber(env, "ORDERS_PORT", 3101),
  masterKey: loadMasterKey({ ...env, LEDGER_MASTER_KEY: env.ORDERS_MASTER_KEY }, path.join(process.cwd(), ".data", "orders-master-key")),
  workers: positiveNumber(env, "SERVICE_WORKERS", 8),
  maxAckPending: positiveNumber(env, "SERVICE_MAX_ACK_PENDING", 256),
});
stopOnSignals("orders", () => service.stop());
