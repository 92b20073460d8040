import {
  BadRequestException,
  Injectable,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ArchiveStore } from '@slipway/nest-messaging';
import { randomUUID } from 'node:crypto';
import { GatewayConfig } from '../config/gateway.config';
import { sniffArchiveFormat, UploadedArchiveFormat } from './archive-format';

export interface ArchiveUploadDto {
  /** Name to pass as `source.archiveObject` when deploying. */
  archiveObject: string;
  sizeBytes: number;
  format: UploadedArchiveFormat;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Receives a source archive and keeps it in the archives object store for the builder. The gateway only
 * checks size and format; the builder refuses unsafe entries when it unpacks.
 */
@Injectable()
export class UploadsService {
  constructor(
    private readonly archives: ArchiveStore,
    private readonly config: GatewayConfig,
  ) {}

  async store(body: AsyncIterable<Buffer>, declaredLength: number | undefined): Promise<ArchiveUploadDto> {
    const limit = this.config.UPLOAD_MAX_BYTES;
    if (declaredLength !== undefined && declaredLength > limit) {
      throw new PayloadTooLargeException(
        `The archive is ${megabytes(declaredLength)}; the limit is ${megabytes(limit)}.`,
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > limit)
        throw new PayloadTooLargeException(`The archive is larger than the limit of ${megabytes(limit)}.`);
      chunks.push(chunk);
    }
    if (size === 0) throw new BadRequestException('The request body is empty: send the archive as the body.');
    const data = Buffer.concat(chunks);
    const format = sniffArchiveFormat(data.subarray(0, 512));
    if (!format) {
      throw new UnsupportedMediaTypeException(
        'This is not a zip, tar or tar.gz archive. Supported formats: .zip, .tar, .tar.gz.',
      );
    }
    const archiveObject = `upload-${randomUUID()}`;
    await this.archives.upload(archiveObject, data);
    return { archiveObject, sizeBytes: size, format };
  }
}
