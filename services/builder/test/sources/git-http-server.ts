import { spawn } from 'node:child_process';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTcpServer, Socket } from 'node:net';
import { Transform, TransformCallback } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort } from '@slipway/testing';

/** The CGI program git ships for smart HTTP (Debian's path). */
export const GIT_HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface GitHttpServerOptions {
  /** Directory holding the (bare) repositories; `/<name>.git` in a URL is `<projectRoot>/<name>.git`. */
  projectRoot: string;
  /**
   * When set, every request must carry HTTP Basic credentials whose password is this token (any user name,
   * as GitHub accepts `x-access-token:<token>`); others get 401.
   */
  token?: string;
  /**
   * Test hook: answer the ref advertisement with a git protocol error whose text quotes the credentials the
   * client sent (the Authorization header and the decoded password), as a careless server might.
   */
  echoCredentialsInError?: boolean;
  /** Test hook: send responses no faster than this, to watch a client while it downloads. */
  throttleBytesPerSecond?: number;
}

export interface RecordedRequest {
  method: string;
  url: string;
  /** Whether an Authorization header was present. */
  sentCredentials: boolean;
  /** Whether the request passed the token check (always true without a token). */
  authorized: boolean;
  /** Response body bytes written so far. */
  responseBytes: number;
}

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Every request, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A git smart-HTTP server on 127.0.0.1 for tests: Node's http server checks the token, then runs
 * git-http-backend as a CGI program for the request. Fetching any commit by SHA is allowed
 * (`uploadpack.allowAnySHA1InWant`), as on GitHub.
 */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const authorization = request.headers.authorization;
    const authorized = options.token === undefined || passwordOf(authorization) === options.token;
    const record: RecordedRequest = {
      method: request.method ?? '',
      url: request.url ?? '',
      sentCredentials: authorization !== undefined,
      authorized,
      responseBytes: 0,
    };
    requests.push(record);
    if (!authorized) {
      response.writeHead(401, {
        'WWW-Authenticate': 'Basic realm="slipway-test"',
        'Content-Type': 'text/plain',
      });
      response.end('Unauthorized\n');
      return;
    }
    if (options.echoCredentialsInError && (request.url ?? '').includes('/info/refs')) {
      sendProtocolError(
        response,
        `credentials ${authorization ?? ''} password ${passwordOf(authorization) ?? ''}`,
      );
      return;
    }
    runBackend(options, request, response, record);
  });
  return listen(server, requests);
}

/**
 * A server that accepts TCP connections and never answers, for time-limit tests. Its `requests` stays empty.
 */
export async function startSilentServer(): Promise<GitHttpServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function listen(server: Server, requests: RecordedRequest[]): Promise<GitHttpServer> {
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function passwordOf(authorization: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

/** A pkt-line: 4 hex digits of length (including themselves), then the payload. */
function pktLine(payload: string): string {
  return (Buffer.byteLength(payload) + 4).toString(16).padStart(4, '0') + payload;
}

function sendProtocolError(response: ServerResponse, message: string): void {
  response.writeHead(200, {
    'Content-Type': 'application/x-git-upload-pack-advertisement',
    'Cache-Control': 'no-cache',
  });
  response.end(`${pktLine('# service=git-upload-pack\n')}0000${pktLine(`ERR ${message}\n`)}`);
}

/** Runs git-http-backend for one request (RFC 3875 CGI): request body on stdin, headers + body on stdout. */
function runBackend(
  options: GitHttpServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
  record: RecordedRequest,
): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: options.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'uploadpack.allowAnySHA1InWant',
    GIT_CONFIG_VALUE_0: 'true',
    GIT_CONFIG_KEY_1: 'uploadpack.allowReachableSHA1InWant',
    GIT_CONFIG_VALUE_1: 'true',
    REQUEST_METHOD: request.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: request.headers['content-type'] ?? '',
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_USER: request.headers.authorization === undefined ? '' : 'x-access-token',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${request.httpVersion}`,
  };
  if (request.headers['content-length'] !== undefined)
    env['CONTENT_LENGTH'] = request.headers['content-length'];
  // Protocol v2 is negotiated through this header; gzip-compressed request bodies through the other one.
  const gitProtocol = request.headers['git-protocol'];
  if (typeof gitProtocol === 'string') env['HTTP_GIT_PROTOCOL'] = gitProtocol;
  const encoding = request.headers['content-encoding'];
  if (typeof encoding === 'string') env['HTTP_CONTENT_ENCODING'] = encoding;

  const backend = spawn(GIT_HTTP_BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  request.pipe(backend.stdin);
  backend.stdin.on('error', () => undefined);
  backend.stderr.resume();

  const output =
    options.throttleBytesPerSecond === undefined
      ? backend.stdout
      : backend.stdout.pipe(new Throttle(options.throttleBytesPerSecond));
  let head = Buffer.alloc(0);
  let headersSent = false;
  output.on('data', (chunk: Buffer) => {
    if (headersSent) {
      record.responseBytes += chunk.length;
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = findHeaderEnd(head);
    if (end === undefined) return;
    const { status, headers } = parseCgiHeaders(head.subarray(0, end.index).toString('latin1'));
    response.writeHead(status, headers);
    headersSent = true;
    const body = head.subarray(end.index + end.length);
    record.responseBytes += body.length;
    response.write(body);
  });
  output.on('end', () => {
    if (headersSent) response.end();
  });
  backend.on('close', (code) => {
    if (!headersSent) {
      response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(`git-http-backend exited with ${code} before sending headers\n`);
    }
  });
  response.on('close', () => {
    if (output !== backend.stdout) output.destroy();
    if (backend.exitCode === null) backend.kill('SIGKILL');
  });
}

/** Passes bytes on in slices, ten times a second, at about `bytesPerSecond`. */
class Throttle extends Transform {
  constructor(private readonly bytesPerSecond: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const slice = Math.max(1, Math.floor(this.bytesPerSecond / 10));
    void (async () => {
      for (let offset = 0; offset < chunk.length && !this.destroyed; offset += slice) {
        this.push(chunk.subarray(offset, offset + slice));
        await sleep(100);
      }
      callback();
    })();
  }
}

function findHeaderEnd(buffer: Buffer): { index: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { index: crlf, length: 4 };
  if (lf !== -1) return { index: lf, length: 2 };
  return undefined;
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      status = Number.parseInt(value, 10) || 500;
    } else {
      headers[name] = value;
    }
  }
  return { status, headers };
}
