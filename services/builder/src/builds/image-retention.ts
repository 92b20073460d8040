import { Injectable, Logger } from '@nestjs/common';
import { DockerClient } from '@slipway/nest-docker';
import { BuilderConfig } from '../config/builder.config';
import { SLIPWAY_LABELS } from './build-pipeline';

/** RFC 3339 UTC time (Docker's, up to nanoseconds) as a string that sorts in time order. */
export function sortableTime(rfc3339: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(rfc3339);
  if (!match) return new Date(rfc3339).toISOString().replace(/\.(\d{3})Z$/, '$1000000');
  return `${match[1]}${(match[2] ?? '').padEnd(9, '0')}`;
}

/**
 * Keeps the newest KEEP_IMAGES_PER_APP images Slipway built for an app (for rollback) and removes the
 * rest. Only images carrying Slipway's build labels are ever considered; one in use by a container stays.
 */
@Injectable()
export class ImageRetention {
  private readonly logger = new Logger(ImageRetention.name);

  constructor(
    private readonly docker: DockerClient,
    private readonly config: BuilderConfig,
  ) {}

  async prune(appId: string): Promise<string[]> {
    const images = await this.docker.engine.listImages({
      filters: JSON.stringify({
        label: [
          `${SLIPWAY_LABELS.managedBy}=slipway`,
          `${SLIPWAY_LABELS.kind}=build`,
          `${SLIPWAY_LABELS.app}=${appId}`,
        ],
      }),
    });
    // The listing's `Created` has whole seconds, and two builds of a small app finish within one; the
    // image's own record has nanoseconds.
    const createdAt = new Map(
      await Promise.all(
        images.map(async (image) => {
          const details = await this.docker.engine.getImage(image.Id).inspect();
          return [image.Id, sortableTime(details.Created)] as const;
        }),
      ),
    );
    const newestFirst = [...images].sort((a, b) =>
      (createdAt.get(b.Id) ?? '').localeCompare(createdAt.get(a.Id) ?? ''),
    );
    const stale = newestFirst.slice(this.config.KEEP_IMAGES_PER_APP);
    const removed: string[] = [];
    for (const image of stale) {
      try {
        await this.docker.engine.getImage(image.Id).remove({ force: false });
        removed.push(image.Id);
      } catch (error) {
        this.logger.warn(`Kept image ${image.Id.slice(0, 19)}: ${(error as Error).message}`);
      }
    }
    return removed;
  }
}
