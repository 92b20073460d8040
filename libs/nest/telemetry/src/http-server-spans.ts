import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Probes and scrapes arrive every few seconds and belong to no one's trace. */
const UNTRACED_PATH = /^\/(health|metrics)(\/|\?|$)/;
type TracedRequest = IncomingMessage & {
  /** Set by Express once a route matched. */
  route?: { path?: unknown };
  baseUrl?: string;
};
type Middleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

/**
 * The first middleware of an HTTP app: one SERVER span per request, continuing the caller's trace when it
 * sends a `traceparent` header, with the rest of the request's handling run in that trace (log lines, NATS
 * headers, child spans). It replaces the incoming half of @opentelemetry/instrumentation-http, which wrapped
 * every listener added to the request and the response to carry the trace into event callbacks, and
 * computed some twenty attributes per request: about a tenth of the gateway's CPU for a polled list. The
 * trace needs no such help: the body parsers (raw-body) call back in the context they were called from, and
 * everything after them awaits promises, which carry it by themselves.
 */
export function httpServerSpans(tracerName = 'slipway-http'): Middleware {
  const tracer = trace.getTracer(tracerName);
  return (request: TracedRequest, response, next) => {
    const url = request.url ?? '/';
    if (UNTRACED_PATH.test(url)) return next();
    const method = request.method ?? 'GET';
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { 'http.method': method, 'http.target': url } },
      parent,
    );
    response.once('close', () => {
      const route = request.route?.path;
      if (typeof route === 'string') {
        const template = `${request.baseUrl ?? ''}${route}`;
        span.updateName(`${method} ${template}`);
        span.setAttribute('http.route', template);
      }
      span.setAttribute('http.status_code', response.statusCode);
      if (!response.writableFinished) span.setAttribute('http.aborted', true);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/** `callback`, to be run later from an event, in the trace that is active now. */
export function inActiveTrace<T extends (...args: never[]) => unknown>(callback: T): T {
  return context.bind(context.active(), callback);
}
