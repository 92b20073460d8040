import { context, propagation, Context, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';

let sdk: NodeSDK | undefined;

function exporterConfigured(env: NodeJS.ProcessEnv): boolean {
  const exporter = env['OTEL_TRACES_EXPORTER'];
  if (exporter !== undefined && exporter !== '') return exporter !== 'none';
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

/**
 * Starts OpenTelemetry. Call it before anything else is imported (first line of `main.ts`), so the HTTP
 * instrumentation can patch Node's modules. Exporting is configured by the standard OTEL_* variables;
 * when none is set, spans are still created (trace ids reach logs and NATS headers) but nothing is
 * exported, so shutdown never waits on an unreachable collector.
 */
export function startTracing(serviceName: string, version = '0.0.0'): void {
  if (sdk || process.env['OTEL_SDK_DISABLED'] === 'true') return;
  const env = process.env;
  // Metrics and logs go through /metrics and pino; only traces use OTLP.
  env['OTEL_METRICS_EXPORTER'] ??= 'none';
  env['OTEL_LOGS_EXPORTER'] ??= 'none';
  env['OTEL_EXPORTER_OTLP_TIMEOUT'] ??= '1000';
  const exporting = exporterConfigured(env);
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': version }),
    // Outgoing HTTP only (Docker's API, Caddy's admin API, webhooks): an HTTP server makes its own spans
    // with httpServerSpans(), at a fraction of the instrumentation's cost per request.
    instrumentations: [new HttpInstrumentation({ disableIncomingRequestInstrumentation: true })],
    // With no processor at all the SDK installs no tracer provider and trace ids come out as zeros.
    ...(exporting ? {} : { spanProcessors: [new NoopSpanProcessor()] }),
  });
  sdk.start();
}

export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown().catch(() => undefined);
}

export function activeTraceId(): string | null {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : null;
}

/** Anything with string get/set, such as NATS message headers. */
export interface HeaderCarrier {
  get(key: string): string;
  set(key: string, value: string): void;
}

/** Writes the active trace context (W3C traceparent) into message headers. */
export function injectTraceContext(headers: HeaderCarrier, from: Context = context.active()): void {
  propagation.inject(from, headers, {
    set: (carrier, key, value) => carrier.set(key, value),
  });
}

/** Reads a trace context from message headers; the active context when there is none. */
export function extractTraceContext(headers: HeaderCarrier | undefined): Context {
  if (!headers) return context.active();
  return propagation.extract(context.active(), headers, {
    get: (carrier, key) => carrier.get(key) || undefined,
    keys: () => ['traceparent', 'tracestate', 'baggage'],
  });
}

const tracer = () => trace.getTracer('slipway');

/**
 * Runs `work` inside a span that is a child of `parent`, recording failures on the span.
 */
export async function withSpan<T>(
  name: string,
  options: { kind: SpanKind; parent?: Context; attributes?: Record<string, string | number> },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: options.kind, attributes: options.attributes },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export { SpanKind };
