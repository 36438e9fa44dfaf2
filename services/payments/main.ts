// The payments service as its own process. Env: NATS_URL (required); PAYMENTS_DATABASE_URL (its
// own PostgreSQL database) or PAYMENTS_DATA_DIR (its own PGlite directory, default
// ./.data/payments); PAYMENTS_PORT (default 3102); PAYMENTS_CREDIT_LIMIT (per customer, default
// 1000: see payment.ts); SERVICE_TOKEN (what API callers must present; default a generated
// ./.data/service-token); SERVICE_WORKERS (8), SERVICE_MAX_ACK_PENDING (256).
import path from "node:path";
import { serviceDatabaseFromEnv } from "../shared/database";
import { loadServiceToken, positiveNumber, requireNatsUrl, stopOnSignals } from "../shared/main";
import { startPaymentsService } from "./service";

const env = process.env;
const service = await startPaymentsService({
  database: serviceDatabaseFromEnv("PAYMENTS", path.join(process.cwd(), ".data", "payments")),
  natsUrl: requireNatsUrl(env, "payments"),
  token: loadServiceToken(env, path.join(process.cwd(), ".data", "service-token"), "payments"),
  port: positiveNumber(env, "PAYMENTS_PORT", 3102),
  creditLimit: positiveNumber(env, "PAYMENTS_CREDIT_LIMIT", 1000),
  workers: positiveNumber(env, "SERVICE_WORKERS", 8),
  maxAckPending: positiveNumber(env, "SERVICE_MAX_ACK_PENDING", 256),
});
stopOnSignals("payments", () => service.stop());
