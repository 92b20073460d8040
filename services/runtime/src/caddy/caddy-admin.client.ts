import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Injectable } from '@nestjs/common';
import { RuntimeConfig } from '../config/runtime.config';

/** Caddy's admin API: the only way the runtime changes routing. */
@Injectable()
export class CaddyAdminClient {
  constructor(private readonly config: RuntimeConfig) {}

  async version(): Promise<string> {
    // Caddy's admin API has no version endpoint; reading the config proves it answers.
    const response = await adminRequest(
      new URL('/config/', this.config.CADDY_ADMIN_URL),
      'GET',
      undefined,
      2000,
    );
    if (response.status !== 200) throw new Error(`admin API answered ${response.status}`);
    return `admin API at ${this.config.CADDY_ADMIN_URL}`;
  }
}

export interface AdminResponse {
  status: number;
  body: string;
}

/**
 * One request to Caddy's admin API on a connection of its own. Caddy restarts its admin server on every config
 * change and closes the old one's keep-alive connections, so a pooled connection (fetch's default) fails now and
 * then with "fetch failed" right after a change; and an insert (`PUT .../routes/0`) must never be resent blindly.
 */
export function adminRequest(
  url: URL,
  method: string,
  body: string | undefined,
  timeoutMs: number,
): Promise<AdminResponse> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method,
        agent: false,
        headers: {
          Connection: 'close',
          ...(body === undefined
            ? {}
            : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
