import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import express, { json } from 'express';
import { request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { activeTraceId } from './tracing';
import { httpServerSpans, inActiveTrace } from './http-server-spans';

describe('httpServerSpans', () => {
  const exporter = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager();
  let server: Server;
  let baseUrl: string;
  /** The trace id each handler saw, by request id. */
  const seen = new Map<string, string | null>();

  beforeAll(async () => {
    contextManager.enable();
    context.setGlobalContextManager(contextManager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );

    const app = express();
    app.use(httpServerSpans());
    app.use(json());
    app.post('/api/items/:id', async (request, response) => {
      // After the body parser's socket callback and an await, the handler is still in the request's trace.
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.set(String(request.params['id']), activeTraceId());
      response.status(201).json({ got: (request.body as { name: string }).name });
    });
    app.get('/broken', (_request, response) => {
      response.status(503).end();
    });
    app.get('/health/live', (_request, response) => {
      seen.set('health', activeTraceId());
      response.end('ok');
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    trace.disable();
    context.disable();
    propagation.disable();
  });

  beforeEach(() => exporter.reset());

  async function finishedSpans(count: number) {
    for (let attempt = 0; attempt < 100 && exporter.getFinishedSpans().length < count; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return exporter.getFinishedSpans();
  }

  it('makes one server span per request, named by its route, and runs the handler in its trace', async () => {
    const response = await fetch(`${baseUrl}/api/items/7`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'seven' }),
    });
    expect(response.status).toBe(201);
    const [span, ...others] = await finishedSpans(1);
    expect(others).toEqual([]);
    expect(span?.name).toBe('POST /api/items/:id');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.attributes).toEqual(
      expect.objectContaining({ 'http.method': 'POST', 'http.route': '/api/items/:id', 'http.status_code': 201 }),
    );
    expect(seen.get('7')).toBe(span?.spanContext().traceId);
  });

  it('keeps the handler in the trace when the body arrives after the headers, from a later socket event', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${baseUrl}/api/items/9`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.flushHeaders();
      setTimeout(() => request.end(JSON.stringify({ name: 'nine' })), 50);
    });
    expect(status).toBe(201);
    const [span] = await finishedSpans(1);
    expect(seen.get('9')).toBe(span?.spanContext().traceId);
  });

  it("continues the caller's trace from its traceparent header", async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    await fetch(`${baseUrl}/api/items/8`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ name: 'eight' }),
    });
    const [span] = await finishedSpans(1);
    expect(span?.spanContext().traceId).toBe(callerTrace);
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(seen.get('8')).toBe(callerTrace);
  });

  it('marks a 5xx answer as an error, and leaves health probes untraced', async () => {
    await fetch(`${baseUrl}/broken`);
    await fetch(`${baseUrl}/health/live`);
    const spans = await finishedSpans(1);
    expect(spans.map((span) => span.name)).toEqual(['GET /broken']);
    expect(spans[0]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(seen.get('health')).toBeNull();
  });

  it('runs a callback bound with inActiveTrace in the trace that was active when it was bound', async () => {
    const span = trace.getTracer('test').startSpan('outer');
    const bound = context.with(trace.setSpan(context.active(), span), () => inActiveTrace(() => activeTraceId()));
    expect(activeTraceId()).toBeNull();
    expect(bound()).toBe(span.spanContext().traceId);
    span.end();
  });
});
