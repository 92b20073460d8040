import type { Request } from 'express';

/** Where a request came from, for sessions and the audit log. */
export interface ClientContext {
  ip: string | null;
  userAgent: string | null;
}

const MAX_USER_AGENT_LENGTH = 300;

export function clientContextOf(request: Request): ClientContext {
  const userAgent = request.headers['user-agent'];
  return {
    // Express resolves X-Forwarded-For only as far as TRUST_PROXY_HOPS allows.
    ip: request.ip ?? request.socket.remoteAddress ?? null,
    userAgent: userAgent ? userAgent.slice(0, MAX_USER_AGENT_LENGTH) : null,
  };
}
