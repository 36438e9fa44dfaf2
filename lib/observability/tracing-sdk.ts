import type { NodeSDK } from "@opentelemetry/sdk-node";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";

/**
 * Start the OpenTelemetry Node SDK for this process, or not.
 *
 * Off by default: with none of the variables below set, nothing is started, the API stays the
 * no-op and spans cost next to nothing. It starts when `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_TRACES_EXPORTER` (other than `none`) is set, and
 * then the SDK reads every standard `OTEL_*` variable itself (protocol, headers, sampler,
 * resource attributes, `OTEL_SERVICE_NAME`…). `OTEL_SDK_DISABLED=true` wins over all of them.
 * Traces only: metrics are prom-client's (`GET /api/metrics`) and logs stay on the console.
 *
 * Tests pass `spanProcessors` (an in-memory exporter) and get the SDK whatever the environment.
 * The SDK is loaded only when it starts: a process with tracing off never holds it in memory.
 */
export async function startTracing(
  options: { serviceName: string; spanProcessors?: SpanProcessor[] },
  env: Env = process.env,
): Promise<NodeSDK | null> {
  if (isTrue(env.OTEL_SDK_DISABLED)) return null;
  if (!options.spanProcessors && !tracingRequested(env)) return null;
  const { NodeSDK } = await import("@opentelemetry/sdk-node");
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ? undefined : options.serviceName,
    spanProcessors: options.spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return sdk;
}

/** Do the OTEL_* variables ask for a trace exporter? */
export function tracingRequested(env: Env): boolean {
  const exporters = (env.OTEL_TRACES_EXPORTER ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  if (exporters.includes("none")) return false;
  return exporters.length > 0 || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

type Env = Record<string, string | undefined>;

const isTrue = (value: string | undefined) => value?.trim().toLowerCase() === "true";
