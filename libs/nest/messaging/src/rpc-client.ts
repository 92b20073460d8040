import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ClientNats, NatsRecordBuilder, ReadPacket, WritePacket } from '@nestjs/microservices';
import { isRpcErrorBody, QuerySubject, RpcErrorBody, RpcErrorCodes } from '@slipway/contracts';
import { BaseServiceConfig } from '@slipway/nest-config';
import { injectTraceContext } from '@slipway/nest-telemetry';
import { headers, Msg, NatsConnection } from 'nats';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';

/** A request that another service answered with an error (or did not answer at all). */
export class RpcRequestError extends Error {
  constructor(
    readonly subject: string,
    readonly body: RpcErrorBody,
  ) {
    super(body.message);
    this.name = 'RpcRequestError';
  }
}

/** Longer than any caller's deadline: the caller's own timeout answers first and surfaces as UNAVAILABLE. */
const NATS_REQUEST_TIMEOUT_MS = 120_000;

/**
 * Nest's NATS client with one change: a request goes out with NATS's own `request()`, whose replies share one
 * inbox subscription per connection. Nest's client subscribes and unsubscribes a fresh inbox for every request,
 * which costs the server two subscription changes and the client two extra writes per query. Packets, headers,
 * serialisation and error replies are Nest's own, so handlers see no difference.
 */
class SharedInboxClientNats extends ClientNats {
  protected override publish(partialPacket: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    try {
      const packet = this.assignPacketId(partialPacket);
      const serialized = this.serializer.serialize(packet) as { data: Uint8Array; headers?: unknown };
      const connection = this.natsClient as NatsConnection | null;
      if (!connection) throw new Error('The NATS connection is not open yet.');
      const onReply = this.createSubscriptionHandler(packet, callback);
      connection
        .request(this.normalizePattern(partialPacket.pattern), serialized.data, {
          timeout: NATS_REQUEST_TIMEOUT_MS,
          headers: this.mergeHeaders(serialized.headers),
        })
        .then(
          (reply: Msg) => onReply(undefined, reply),
          (error: Error) => callback({ err: error }),
        );
    } catch (error) {
      callback({ err: error });
    }
    // Nothing to unsubscribe: the shared inbox stays, and a late reply is dropped by NATS's request map.
    return () => undefined;
  }
}

/**
 * Request/reply over NATS through Nest's microservice client, with the caller's trace context in the
 * message headers and a deadline, so a missing service surfaces as UNAVAILABLE instead of a hang.
 */
@Injectable()
export class RpcClient implements OnApplicationShutdown {
  private readonly client: SharedInboxClientNats;

  constructor(config: BaseServiceConfig) {
    this.client = new SharedInboxClientNats({ servers: [config.NATS_URL], maxReconnectAttempts: -1 });
  }

  async request<TResponse>(subject: QuerySubject, payload: object, timeoutMs = 5000): Promise<TResponse> {
    const messageHeaders = headers();
    injectTraceContext(messageHeaders);
    const record = new NatsRecordBuilder(payload).setHeaders(messageHeaders).build();
    try {
      return await firstValueFrom(this.client.send<TResponse>(subject, record).pipe(timeout(timeoutMs)));
    } catch (error) {
      throw toRpcRequestError(subject, error);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

function toRpcRequestError(subject: string, error: unknown): RpcRequestError {
  if (isRpcErrorBody(error)) return new RpcRequestError(subject, error);
  if (error instanceof TimeoutError) {
    return new RpcRequestError(subject, {
      code: RpcErrorCodes.Unavailable,
      message: `No answer to ${subject} in time: the service behind it may be down or overloaded.`,
    });
  }
  const message =
    error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
  const unavailable = /no responders|503|empty response/i.test(message);
  return new RpcRequestError(subject, {
    code: unavailable ? RpcErrorCodes.Unavailable : RpcErrorCodes.Internal,
    message: unavailable ? `No service is answering ${subject} right now.` : message,
  });
}
