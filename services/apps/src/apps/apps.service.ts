import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AppDto, AppSourceKind, CreateAppRequest, EventSubjects } from '@slipway/contracts';
import { DomainError, EventPublisher } from '@slipway/nest-messaging';
import { isDuplicateKeyError, isObjectId } from '@slipway/nest-mongo';
import { Model } from 'mongoose';
import { appCreatedMessageId, toAppCreatedEvent, toAppDto } from './app.mapper';
import { App, AppDocument } from './schemas/app.schema';

function resolveSource(request: CreateAppRequest): { kind: AppSourceKind; problems: string[] } {
  const kind: AppSourceKind =
    request.sourceKind ?? (request.image ? 'image' : request.repoUrl ? 'git' : 'archive');
  const problems: string[] = [];
  if (kind === 'git' && !request.repoUrl) problems.push('repoUrl is required for a git source');
  if (kind === 'image' && !request.image) problems.push('image is required for an image source');
  return { kind, problems };
}

@Injectable()
export class AppsService {
  private readonly logger = new Logger(AppsService.name);

  constructor(
    @InjectModel(App.name) private readonly apps: Model<App>,
    private readonly publisher: EventPublisher,
  ) {}

  async create(request: CreateAppRequest): Promise<AppDto> {
    const source = resolveSource(request);
    if (source.problems.length > 0) {
      throw new DomainError(
        'VALIDATION',
        `The app's source is incomplete: ${source.problems.join('; ')}`,
        source.problems,
      );
    }
    let app: AppDocument;
    try {
      app = await this.apps.create({
        name: request.name,
        sourceKind: source.kind,
        repoUrl: source.kind === 'git' ? (request.repoUrl ?? null) : null,
        branch: source.kind === 'git' ? (request.branch ?? 'main') : null,
        image: source.kind === 'image' ? (request.image ?? null) : null,
      });
    } catch (error) {
      if (isDuplicateKeyError(error))
        throw DomainError.conflict(`An app named "${request.name}" already exists.`);
      throw error;
    }
    await this.publishCreated(app).catch((error: Error) =>
      // The outbox relay publishes it later; the app exists either way.
      this.logger.warn(`app.created.v1 for ${app.name} deferred: ${error.message}`),
    );
    return toAppDto(app);
  }

  async get(id: string): Promise<AppDto> {
    const app = isObjectId(id) ? await this.apps.findById(id).exec() : null;
    if (!app) throw DomainError.notFound(`No app with id "${id}".`);
    return toAppDto(app);
  }

  async list(): Promise<AppDto[]> {
    const apps = await this.apps.find().sort({ createdAt: -1 }).limit(500).exec();
    return apps.map(toAppDto);
  }

  /** Publishes every `app.created.v1` that is not acknowledged yet; returns how many were published. */
  async relayUnpublishedEvents(olderThanMs: number): Promise<number> {
    const pending = await this.apps
      .find({ createdEventPublishedAt: null, createdAt: { $lt: new Date(Date.now() - olderThanMs) } })
      .limit(100)
      .exec();
    let published = 0;
    for (const app of pending) {
      await this.publishCreated(app);
      published += 1;
    }
    return published;
  }

  private async publishCreated(app: AppDocument): Promise<void> {
    await this.publisher.publish(EventSubjects.AppCreated, toAppCreatedEvent(app), {
      messageId: appCreatedMessageId(app),
    });
    // Bookkeeping, not a change to the app: updatedAt stays as the user last changed it.
    await this.apps
      .updateOne({ _id: app._id }, { $set: { createdEventPublishedAt: new Date() } }, { timestamps: false })
      .exec();
  }
}
