import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { recordHeaders, securityHeaders } from './security-headers';

/** A response that keeps what is set on it, as Node's does. */
function recordingResponse(initial: Record<string, string> = {}) {
  const headers = new Map(Object.entries(initial).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    headers,
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
}

function run(middleware: RequestHandler, response = recordingResponse()) {
  const next = jest.fn();
  middleware({} as Request, response as unknown as Response, next as NextFunction);
  return { response, next };
}

describe('securityHeaders', () => {
  it('sets the CSP and the other security headers on every request, and calls next', () => {
    const middleware = securityHeaders();
    for (let request = 0; request < 2; request += 1) {
      const { response, next } = run(middleware, recordingResponse({ 'X-Powered-By': 'Express' }));
      expect(next).toHaveBeenCalledWith();
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security')).toBe('max-age=15552000');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.has('x-powered-by')).toBe(false);
    }
  });

  it('sets the same headers helmet itself sets per request', () => {
    const options = { frameguard: { action: 'deny' as const } };
    const perRequest = run(helmet(options)).response.headers;
    const recorded = recordHeaders(helmet(options));
    const replayed = recordingResponse();
    for (const [name, value] of recorded.set) replayed.setHeader(name, value);
    expect(Object.fromEntries(replayed.headers)).toEqual(Object.fromEntries(perRequest));
    expect(recorded.removed).toEqual(['X-Powered-By']);
  });

  it('refuses a middleware whose headers depend on the request', () => {
    const later: RequestHandler = (_request, _response, next) => void setImmediate(next);
    const failing: RequestHandler = (_request, _response, next) => next(new Error('no nonce'));
    expect(() => recordHeaders(later)).toThrow('not synchronous');
    expect(() => recordHeaders(failing)).toThrow('no nonce');
  });
});
