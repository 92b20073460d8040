import { randomUUID } from 'node:crypto';
import { connect, JSONCodec } from 'nats';

interface NestNatsReply<T> {
  id: string;
  response?: T;
  err?: unknown;
  isDisposed?: boolean;
}

/**
 * Sends a request the way @nestjs/microservices' NATS client does (`{ pattern, data, id }`) and returns
 * the reply, so a test can talk to one service without starting the gateway.
 */
export async function nestRpcRequest<T>(
  natsUrl: string,
  subject: string,
  data: unknown,
  timeoutMs = 5000,
): Promise<T> {
  const connection = await connect({ servers: natsUrl });
  try {
    const codec = JSONCodec<unknown>();
    const reply = await connection.request(
      subject,
      codec.encode({ pattern: subject, data, id: randomUUID() }),
      {
        timeout: timeoutMs,
      },
    );
    const body = codec.decode(reply.data) as NestNatsReply<T>;
    if (body.err) throw Object.assign(new Error(JSON.stringify(body.err)), { body: body.err });
    return body.response as T;
  } finally {
    await connection.close();
  }
}
