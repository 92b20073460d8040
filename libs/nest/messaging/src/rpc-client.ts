import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ClientNats, NatsRecordBuilder } from '@nestjs/microservices';
import { isRpcErrorBody, QuerySubject, RpcErrorBody, RpcErrorCodes } from '@slipway/contracts';
import { BaseServiceConfig } from '@slipway/nest-config';
import { injectTraceContext } from '@slipway/nest-telemetry';
import { headers } from 'nats';
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

/**
 * Request/reply over NATS through Nest's microservice client, with the caller's trace context in the
 * message headers and a deadline, so a missing service surfaces as UNAVAILABLE instead of a hang.
 */
@Injectable()
export class RpcClient implements OnApplicationShutdown {
  private readonly client: ClientNats;

  constructor(config: BaseServiceConfig) {
    this.client = new ClientNats({ servers: [config.NATS_URL], maxReconnectAttempts: -1 });
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
