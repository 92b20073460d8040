import { Injectable } from '@nestjs/common';
import { ObjectStores } from '@slipway/contracts';
import { NatsConnectionProvider } from './nats-connection';
import { nanos, StorageType } from 'nats';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReadableStream as WebReadableStream } from 'node:stream/web';

/** Uploaded source archives, kept in a JetStream object store: the gateway stores them, the builder reads them. */
@Injectable()
export class ArchiveStore {
  constructor(private readonly nats: NatsConnectionProvider) {}

  private async bucket() {
    const js = await this.nats.jetStream();
    const { bucket, ttlSeconds, maxBytes } = ObjectStores.Archives;
    return js.views.os(bucket, {
      storage: StorageType.File,
      ttl: nanos(ttlSeconds * 1000),
      max_bytes: maxBytes,
    });
  }

  /** Writes the archive to `path`; false when there is no such archive. */
  async download(objectName: string, path: string): Promise<boolean> {
    const result = await (await this.bucket()).get(objectName);
    if (!result) return false;
    await pipeline(
      Readable.fromWeb(result.data as unknown as WebReadableStream<Uint8Array>),
      createWriteStream(path),
    );
    const error = await result.error;
    if (error) throw error;
    return true;
  }

  /** Stores an uploaded archive; returns its size. */
  async upload(objectName: string, data: Uint8Array): Promise<number> {
    const info = await (await this.bucket()).putBlob({ name: objectName }, data);
    return info.size;
  }
}
