import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DockerClient } from '@slipway/nest-docker';
import { Model } from 'mongoose';
import { BuilderConfig } from '../config/builder.config';
import { SLIPWAY_LABELS } from './build-pipeline';
import { Build } from './schemas/build.schema';

/** RFC 3339 UTC time (Docker's, up to nanoseconds) as a string that sorts in time order. */
export function sortableTime(rfc3339: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(rfc3339);
  if (!match) return new Date(rfc3339).toISOString().replace(/\.(\d{3})Z$/, '$1000000');
  return `${match[1]}${(match[2] ?? '').padEnd(9, '0')}`;
}

/**
 * Keeps the KEEP_IMAGES_PER_APP images of an app's most recent builds (for rollback) and removes the rest.
 * Only images carrying Slipway's build labels are ever considered; one in use by a container stays.
 *
 * An unchanged source builds the very image it built before (every step cached, labels constant per app),
 * so an image can carry several deployments' tags and be older than it was last built: it counts as recent
 * as its latest successful build, and goes with all its tags.
 */
@Injectable()
export class ImageRetention {
  private readonly logger = new Logger(ImageRetention.name);

  constructor(
    @InjectModel(Build.name) private readonly builds: Model<Build>,
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
    const lastBuilt = new Map<string, string>();
    const builds = await this.builds
      .find({ appId, status: 'succeeded' }, { imageId: 1, finishedAt: 1 })
      .lean()
      .exec();
    for (const build of builds) {
      if (!build.imageId || !build.finishedAt) continue;
      const at = sortableTime(build.finishedAt.toISOString());
      if (at > (lastBuilt.get(build.imageId) ?? '')) lastBuilt.set(build.imageId, at);
    }
    // The listing's `Created` has whole seconds, and two builds of a small app finish within one; the
    // image's own record has nanoseconds. An image without a build record counts from its creation.
    const recentAt = new Map(
      await Promise.all(
        images.map(async (image) => {
          const details = await this.docker.engine.getImage(image.Id).inspect();
          const created = sortableTime(details.Created);
          const built = lastBuilt.get(image.Id) ?? '';
          return [image.Id, built > created ? built : created] as const;
        }),
      ),
    );
    const newestFirst = [...images].sort((a, b) =>
      (recentAt.get(b.Id) ?? '').localeCompare(recentAt.get(a.Id) ?? ''),
    );
    const stale = newestFirst.slice(this.config.KEEP_IMAGES_PER_APP);
    const removed: string[] = [];
    for (const image of stale) {
      try {
        // An image a container uses stays with every tag (a restart or a rollback names it by tag).
        const users = await this.docker.engine.listContainers({
          all: true,
          filters: JSON.stringify({ ancestor: [image.Id] }),
        });
        if (users.length > 0) {
          this.logger.log(`Kept image ${image.Id.slice(0, 19)}: a container still uses it`);
          continue;
        }
        // Removing an image by id refuses while several tags name it: each tag goes, the last one with the
        // image.
        const tags = (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>');
        for (const name of tags.length > 0 ? tags : [image.Id]) {
          await this.docker.engine.getImage(name).remove({ force: false });
        }
        removed.push(image.Id);
      } catch (error) {
        this.logger.warn(`Kept image ${image.Id.slice(0, 19)}: ${(error as Error).message}`);
      }
    }
    return removed;
  }
}
