import {
  AckPolicy,
  ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamManager,
  nanos,
  NatsError,
  RetentionPolicy,
  StorageType,
  StreamConfig,
} from 'nats';
import { ConsumerDeclaration, StreamDeclaration } from '@slipway/contracts';

function isNotFound(error: unknown): boolean {
  return (
    error instanceof NatsError && (error.api_error?.err_code === 10059 || error.api_error?.err_code === 10014)
  );
}

function isAlreadyInUse(error: unknown): boolean {
  // Two services starting at once both try to create the same stream; the loser updates instead.
  return error instanceof NatsError && error.api_error?.err_code === 10058;
}

export function streamConfig(declaration: StreamDeclaration): Partial<StreamConfig> & { name: string } {
  return {
    name: declaration.name,
    subjects: [...declaration.subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(declaration.maxAgeSeconds * 1000),
    max_bytes: declaration.maxBytes,
    duplicate_window: nanos(declaration.duplicateWindowSeconds * 1000),
  };
}

export function consumerConfig(declaration: ConsumerDeclaration): Partial<ConsumerConfig> {
  return {
    durable_name: declaration.durableName,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: declaration.filterSubject,
    ack_wait: nanos(declaration.ackWaitMs),
    // One more than our own limit: the last delivery is the one where the handler parks the message.
    max_deliver: declaration.maxDeliver + 1,
    max_ack_pending: Math.max(declaration.prefetch ?? 0, declaration.concurrency * 4, 16),
  };
}

/** Creates each stream, or updates it to the declared config; safe to run from every service at once. */
export async function ensureStreams(jsm: JetStreamManager, declarations: StreamDeclaration[]): Promise<void> {
  for (const declaration of declarations) {
    const config = streamConfig(declaration);
    try {
      await jsm.streams.info(declaration.name);
      await jsm.streams.update(declaration.name, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await jsm.streams.add(config);
      } catch (addError) {
        if (!isAlreadyInUse(addError)) throw addError;
        await jsm.streams.update(declaration.name, config);
      }
    }
  }
}

export async function ensureConsumer(jsm: JetStreamManager, declaration: ConsumerDeclaration): Promise<void> {
  const config = consumerConfig(declaration);
  try {
    await jsm.consumers.info(declaration.stream, declaration.durableName);
    await jsm.consumers.update(declaration.stream, declaration.durableName, config);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(declaration.stream, config);
  }
}
