import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PinoLogger } from 'nestjs-pino';
import { RequestLogMiddleware } from './request-log.middleware';

type Level = 'info' | 'warn' | 'error';

function setUp(enabled: Level[] = ['info', 'warn', 'error']) {
  const lines: Array<{ level: Level; object: Record<string, unknown>; message: string }> = [];
  const write = (level: Level) => (object: Record<string, unknown>, message: string) =>
    lines.push({ level, object, message });
  const pino = {
    isLevelEnabled: (level: Level) => enabled.includes(level),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
  const middleware = new RequestLogMiddleware({ logger: pino } as unknown as PinoLogger);
  const request = (url: string, method = 'GET') =>
    Object.assign(new EventEmitter(), {
      url,
      method,
      headers: { 'user-agent': 'curl/8', authorization: 'Bearer sk-live-123' },
      socket: { remoteAddress: '10.0.0.7' },
    }) as unknown as IncomingMessage;
  const response = () =>
    Object.assign(new EventEmitter(), {
      statusCode: 200,
      writableFinished: false,
    }) as unknown as ServerResponse & {
      statusCode: number;
      writableFinished: boolean;
    };
  const finish = (res: ReturnType<typeof response>, statusCode: number) => {
    res.statusCode = statusCode;
    res.writableFinished = true;
    res.emit('finish');
    res.emit('close');
  };
  return { lines, middleware, request, response, finish };
}

describe('RequestLogMiddleware', () => {
  it('logs one line per answered request: method, redacted URL, status, time and client, never credentials', () => {
    const { lines, middleware, request, response, finish } = setUp();
    const res = response();
    const next = jest.fn();
    middleware.use(
      request('/api/v1/hooks/deploy/65f0c0ffee0123456789abcd/dh_s3cr3t?ref=main', 'POST'),
      res,
      next,
    );
    expect(next).toHaveBeenCalledTimes(1);
    expect(lines).toHaveLength(0);
    finish(res, 202);

    expect(lines).toEqual([
      {
        level: 'info',
        message: 'request completed',
        object: {
          req: {
            method: 'POST',
            url: '/api/v1/hooks/deploy/65f0c0ffee0123456789abcd/[redacted]?ref=main',
            remoteAddress: '10.0.0.7',
            userAgent: 'curl/8',
          },
          res: { statusCode: 202 },
          responseTime: expect.any(Number),
        },
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('sk-live-123');
  });

  it('logs server errors as errors and notes requests the client left before the answer', () => {
    const { lines, middleware, request, response, finish } = setUp();
    const failed = response();
    middleware.use(request('/api/v1/apps'), failed, () => undefined);
    finish(failed, 503);
    const abandoned = response();
    middleware.use(request('/api/v1/apps/x/logs/live'), abandoned, () => undefined);
    abandoned.emit('close');

    expect(lines.map(({ level, message, object }) => [level, message, object['res']])).toEqual([
      ['error', 'request completed', { statusCode: 503 }],
      ['info', 'request aborted', { statusCode: 200 }],
    ]);
  });

  it('never logs health probes or metrics scrapes', () => {
    const { lines, middleware, request, response, finish } = setUp();
    for (const url of ['/health/live', '/health/ready', '/metrics', '/metrics?x=1']) {
      const res = response();
      const next = jest.fn();
      middleware.use(request(url), res, next);
      finish(res, 200);
      expect(next).toHaveBeenCalledTimes(1);
    }
    const res = response();
    middleware.use(request('/healthy-app-name'), res, () => undefined);
    finish(res, 200);

    expect(lines.map((line) => (line.object['req'] as { url: string }).url)).toEqual(['/healthy-app-name']);
  });

  it('writes nothing below the configured level', () => {
    const { lines, middleware, request, response, finish } = setUp(['warn', 'error']);
    const ok = response();
    middleware.use(request('/api/v1/apps'), ok, () => undefined);
    finish(ok, 200);
    const failed = response();
    middleware.use(request('/api/v1/apps'), failed, () => undefined);
    finish(failed, 500);

    expect(lines.map((line) => line.level)).toEqual(['error']);
  });
});
