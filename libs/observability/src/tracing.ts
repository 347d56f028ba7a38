import { type Context, type Link, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TracerProvider } from '@opentelemetry/sdk-trace';

export { SpanKind, SpanStatusCode };
/** The context of work that belongs to no trace. */
export const NO_TRACE: Context = ROOT_CONTEXT;
export type { Context, Span };

let provider: TracerProvider | undefined;

/**
 * Turns tracing on for this process when an OTLP endpoint is configured; without one every span is the API's
 * no-op and costs next to nothing. Spans are exported over OTLP/HTTP in batches. The SDK and exporter are loaded
 * only then: a process that exports nothing does not carry their code (about 8 MB of RSS).
 */
export async function startTracing(serviceName: string, endpoint: string | undefined): Promise<void> {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (!endpoint) return;
  const [{ OTLPTraceExporter }, { resourceFromAttributes }, { BatchSpanProcessor, TracerProvider }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace'),
  ]);
  provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }), scheduledDelayMillis: 500 })],
  });
  trace.setGlobalTracerProvider(provider);
}

/** True when spans go somewhere: without an exporter the hot paths skip span work altogether. */
export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/** Sends the spans still buffered (graceful shutdown). */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
}

const tracer = () => trace.getTracer('seatgrid');

/** Starts a span under `parent` (explicit contexts: no context manager on the hot path). */
export function startSpan(name: string, kind: SpanKind, parent: Context = ROOT_CONTEXT, links: Link[] = []): { span: Span; context: Context } {
  const span = tracer().startSpan(name, { kind, links }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Runs `work` inside a span, ending it with the outcome. */
export async function inSpan<T>(name: string, kind: SpanKind, parent: Context, work: (context: Context) => Promise<T>, links: Link[] = []): Promise<T> {
  const { span, context: inner } = startSpan(name, kind, parent, links);
  try {
    return await work(inner);
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

/** {@link inSpan} when spans are exported; otherwise just `work`, with no span objects made at all. */
export function traced<T>(name: string, parent: Context, work: (context: Context) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL, links: Link[] = []): Promise<T> {
  return provider ? inSpan(name, kind, parent, work, links) : work(parent);
}

/** W3C `traceparent` (and `tracestate`) of a context, for AMQP headers and the bookings table. */
export function traceHeaders(of: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(of, carrier);
  return carrier;
}

export function contextFrom(headers: Record<string, unknown> | undefined): Context {
  if (!headers) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers, {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => (typeof carrier[key] === 'string' ? (carrier[key] as string) : undefined),
  });
}

export const linkTo = (of: Context): Link | undefined => {
  const spanContext = trace.getSpanContext(of);
  return spanContext ? { context: spanContext } : undefined;
};

