import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanOptions,
} from "@opentelemetry/api";

/**
 * Spans over the paths that matter (command → load → decide → append → projection apply → live
 * update), through `@opentelemetry/api` only. Without an SDK registered (tracing-sdk.ts, started
 * by instrumentation.ts and the worker when OTEL_* asks for it) every call here is the API's
 * no-op: no span is recorded and no traceparent is written.
 *
 * Attributes name streams, types, versions and positions, never event data: personal data
 * (name, address, email, phone) must not leave the process in a span.
 */
export const TRACER_NAME = "ledger";

const tracer = () => trace.getTracer(TRACER_NAME);

/**
 * Run `work` inside a new active span (a child of the active one), ending it when `work` settles.
 * A throw is recorded on the span and rethrown.
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  options: SpanOptions = {},
  parent?: Context,
): Promise<T> {
  const run = (span: Span) =>
    work(span).then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : "error" });
        span.end();
        throw error;
      },
    );
  const opts = { ...options, attributes: { ...options.attributes, ...attributes } };
  return parent ? tracer().startActiveSpan(name, opts, parent, run) : tracer().startActiveSpan(name, opts, run);
}

/** The synchronous form of withSpan, for pure steps (decide). */
export function withSpanSync<T>(name: string, attributes: Attributes, work: (span: Span) => T): T {
  return tracer().startActiveSpan(name, { attributes }, (span) => {
    try {
      return work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : "error" });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * The W3C `traceparent` of the active span, for event metadata; undefined when no span is being
 * recorded (tracing off, or no span active), so that the log carries nothing then.
 */
export function currentTraceparent(): string | undefined {
  if (!trace.getActiveSpan()?.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a stored `traceparent` names (the root context when it is absent or malformed). */
export function contextOf(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/**
 * Record a finished piece of work as a span in the trace `traceparent` names, started at
 * `startTime` (epoch ms) and ended now. Used by the projector, which applies a batch of events of
 * many traces in one transaction: each event's trace gets its own span of that work.
 */
export function recordSpanIn(traceparent: string | undefined, name: string, attributes: Attributes, startTime: number): void {
  const parent = contextOf(traceparent);
  if (!trace.getSpanContext(parent)) return;
  tracer().startSpan(name, { attributes, startTime }, parent).end();
}

