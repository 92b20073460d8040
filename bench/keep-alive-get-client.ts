import { connect, Socket } from 'node:net';

export interface GetOutcome {
  status: number;
  bytes: number;
  /** Why no answer came (socket error code, timeout, a response this client cannot read). */
  error?: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})/;
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;
const CONNECTION_CLOSE = /\r\nconnection:\s*close/i;
/**
 * A connection idle this long is closed rather than reused: Node's HTTP server closes idle connections
 * after 5 s (keepAliveTimeout), and a GET written just as it does so fails with ECONNRESET. Clients such as
 * undici close theirs first for the same reason.
 */
const MAX_IDLE_MS = 4000;

interface PendingGet {
  resolve: (outcome: GetOutcome) => void;
  timer: NodeJS.Timeout;
}

/** One kept-alive connection with at most one GET in flight (no pipelining). */
class Connection {
  private header: Buffer = Buffer.alloc(0);
  private status = 0;
  private remaining = -1;
  private bytes = 0;
  private closeAfter = false;
  private pending: PendingGet | undefined;
  /** When the last answer ended (performance.now()). */
  idleSince = performance.now();

  constructor(
    private readonly socket: Socket,
    private readonly onIdle: (connection: Connection) => void,
    onClosed: (connection: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(error.code ?? error.message));
    socket.on('close', () => {
      this.fail('connection closed by the server');
      onClosed(this);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  send(request: Buffer, timeoutMs: number, resolve: (outcome: GetOutcome) => void): void {
    this.header = Buffer.alloc(0);
    this.remaining = -1;
    this.bytes = 0;
    this.pending = {
      resolve,
      timer: setTimeout(() => {
        this.fail(`no answer within ${timeoutMs / 1000} s`);
        this.socket.destroy();
      }, timeoutMs),
    };
    this.socket.write(request);
  }

  private read(chunk: Buffer): void {
    let body = chunk;
    if (this.remaining < 0) {
      this.header = this.header.length === 0 ? chunk : Buffer.concat([this.header, chunk]);
      const end = this.header.indexOf(HEADER_END);
      if (end < 0) return;
      const head = this.header.toString('latin1', 0, end);
      const length = CONTENT_LENGTH.exec(head);
      this.status = Number(STATUS_LINE.exec(head)?.[1] ?? 0);
      this.closeAfter = CONNECTION_CLOSE.test(head);
      if (!length) {
        this.fail('response without Content-Length');
        this.socket.destroy();
        return;
      }
      this.remaining = Number(length[1]);
      body = this.header.subarray(end + HEADER_END.length);
    }
    this.bytes += body.length;
    this.remaining -= body.length;
    if (this.remaining <= 0) this.finish({ status: this.status, bytes: this.bytes });
  }

  private finish(outcome: GetOutcome): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.resolve(outcome);
    if (this.closeAfter) {
      this.socket.destroy();
    } else {
      this.idleSince = performance.now();
      this.onIdle(this);
    }
  }

  private fail(reason: string): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.resolve({ status: 0, bytes: 0, error: reason });
  }
}

/**
 * A minimal HTTP/1.1 client for one GET, sent over kept-alive connections with the request's bytes built
 * once, as load generators such as autocannon do. Node's `http.request` with an Agent cost the list
 * bench's sender about half as much CPU per request as the gateway spent answering it, on the same two
 * cores: the bench measured its own load generator as much as the gateway.
 */
export class KeepAliveGetClient {
  private readonly request: Buffer;
  private readonly connections = new Set<Connection>();
  private readonly idle: Connection[] = [];
  /** GETs waiting for a connection, as resolve/reject of the connection they get. */
  private readonly waiting: Array<{
    resolve: (connection: Connection) => void;
    reject: (error: Error) => void;
  }> = [];
  /** Connections open or being opened. */
  private open = 0;

  constructor(
    private readonly port: number,
    path: string,
    headers: Record<string, string>,
    private readonly maxConnections = 64,
    private readonly timeoutMs = 5000,
  ) {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    this.request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${lines.join('')}\r\n`);
  }

  /** Sends the GET on an idle connection (a new one, or the next to free up when all are busy). */
  async get(): Promise<GetOutcome> {
    let connection: Connection;
    try {
      connection = await this.connection();
    } catch (error) {
      return { status: 0, bytes: 0, error: (error as NodeJS.ErrnoException).code ?? String(error) };
    }
    return new Promise((resolve) => connection.send(this.request, this.timeoutMs, resolve));
  }

  close(): void {
    for (const connection of this.connections) connection.destroy();
  }

  private connection(): Promise<Connection> {
    let connection = this.idle.pop();
    while (connection && performance.now() - connection.idleSince > MAX_IDLE_MS) {
      // Its 'close' event takes it out of the count; the next idle one (or a new one) serves this GET.
      connection.destroy();
      connection = this.idle.pop();
    }
    if (connection) return Promise.resolve(connection);
    if (this.open >= this.maxConnections) {
      return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
    }
    this.open += 1;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: this.port });
      socket.once('error', (error) => {
        if (socket.connecting) {
          this.open -= 1;
          reject(error);
        }
      });
      socket.once('connect', () => {
        const opened = new Connection(
          socket,
          (idle) => this.release(idle),
          (closed) => this.forget(closed),
        );
        this.connections.add(opened);
        resolve(opened);
      });
    });
  }

  private release(connection: Connection): void {
    const next = this.waiting.shift();
    if (next) next.resolve(connection);
    else this.idle.push(connection);
  }

  private forget(connection: Connection): void {
    this.connections.delete(connection);
    const index = this.idle.indexOf(connection);
    if (index >= 0) this.idle.splice(index, 1);
    this.open -= 1;
    // A GET waiting for a connection gets a new one in place of the closed one.
    const next = this.waiting.shift();
    if (next) this.connection().then(next.resolve, next.reject);
  }
}
