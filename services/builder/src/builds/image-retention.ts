import { Injectable, Logger } from '@nestjs/common';
import { DockerClient } from '@slipway/nest-docker';
import { BuilderConfig } from '../config/builder.config';
import { SLIPWAY_LABELS } from './build-pipeline';

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
    const stale = images.sort((a, b) => b.Created - a.Created).slice(this.config.KEEP_IMAGES_PER_APP);
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
