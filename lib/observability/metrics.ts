import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's Prometheus metrics (`GET /api/metrics`). One registry per process, kept on
 * globalThis: Next bundles routes and instrumentation separately and hot reload re-imports, and a
 * second registration of a name throws (STACK.md, prom-client).
 */
export interface LedgerMetrics {
  registry: Registry;
  appends: Counter<"outcome">;
  appendSeconds: Histogram<"outcome">;
  commands: Counter<"command" | "outcome">;
  commandsInFlight: Gauge;
  commandsRefused: Counter;
  projectionPosition: Gauge<"projection">;
  projectionLag: Gauge<"projection">;
  projectionLagSeconds: Gauge<"projection">;
  projectionParked: Gauge<"projection">;
  horizonAgeSeconds: Gauge;
  sseClients: Gauge;
}

function create(): LedgerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const byProjection = (name: string, help: string) => new Gauge({ name, help, labelNames: ["projection"] as const, registers });
  return {
    registry,
    appends: new Counter({ name: "ledger_appends_total", help: "Appends by outcome", labelNames: ["outcome"] as const, registers }),
    appendSeconds: new Histogram({
      name: "ledger_append_duration_seconds",
      help: "Append latency (one round trip to the database), by outcome",
      labelNames: ["outcome"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    commands: new Counter({
      name: "ledger_commands_total",
      help: "Commands handled, by command and outcome (appended, unchanged, duplicate, rejected, conflict, error)",
      labelNames: ["command", "outcome"] as const,
      registers,
    }),
    commandsInFlight: new Gauge({ name: "ledger_commands_in_flight", help: "Commands being handled by this process", registers }),
    commandsRefused: new Counter({
      name: "ledger_commands_refused_total",
      help: "Commands answered 503 because too many were in flight",
      registers,
    }),
    projectionPosition: byProjection("ledger_projection_position", "Position of the last event the projection applied"),
    projectionLag: byProjection("ledger_projection_lag_events", "Committed events the projection has not applied yet"),
    projectionLagSeconds: byProjection("ledger_projection_lag_seconds", "Age of the oldest event the projection has not applied"),
    projectionParked: byProjection("ledger_projection_parked_events", "Events the projection parked (dead letters)"),
    horizonAgeSeconds: new Gauge({
      name: "ledger_horizon_age_seconds",
      help: "How long the oldest append in flight has held the follower horizon (0: none)",
      registers,
    }),
    sseClients: new Gauge({ name: "ledger_sse_clients", help: "Live-update (SSE) clients connected to this process", registers }),
  };
}

const holder = globalThis as unknown as { __ledgerMetrics?: LedgerMetrics };

export function metrics(): LedgerMetrics {
  holder.__ledgerMetrics ??= create();
  return holder.__ledgerMetrics;
}
