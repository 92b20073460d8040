import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  Actor,
  AppDto,
  AppListDto,
  AppSettingsInput,
  AppSourceKind,
  CreateAppRequest,
  EventSubjects,
  LIST_DEFAULT_LIMIT,
  ListAppsRequest,
  UpdateAppRequest,
} from '@slipway/contracts';
import { DomainError, EventPublisher } from '@slipway/nest-messaging';
import { isDuplicateKeyError, isObjectId, KeyedLock } from '@slipway/nest-mongo';
import { Model, Types } from 'mongoose';
import { Outbox } from '../outbox/outbox.service';
import { AppListCache } from './app-list-cache';
import { appCreatedMessageId, toAppCreatedEvent, toAppDto } from './app.mapper';
import { App, AppDocument } from './schemas/app.schema';
import { ownedBy } from './tenancy';

function resolveSource(request: CreateAppRequest): { kind: AppSourceKind; problems: string[] } {
  const kind: AppSourceKind =
    request.sourceKind ?? (request.image ? 'image' : request.repoUrl ? 'git' : 'archive');
  const problems: string[] = [];
  if (kind === 'git' && !request.repoUrl) problems.push('repoUrl is required for a git source');
  if (kind === 'image' && !request.image) problems.push('image is required for an image source');
  return { kind, problems };
}

/** The settings fields as stored: absent input keeps the stored value (update) or the default (create). */
function settingsOf(input: AppSettingsInput): Partial<App> {
  const fields: Partial<App> = {};
  if (input.rootDirectory !== undefined) fields.rootDirectory = input.rootDirectory || null;
  if (input.installCommand !== undefined) fields.installCommand = input.installCommand || null;
  if (input.buildCommand !== undefined) fields.buildCommand = input.buildCommand || null;
  if (input.startCommand !== undefined) fields.startCommand = input.startCommand || null;
  if (input.port !== undefined) fields.port = input.port;
  if (input.healthCheck !== undefined) fields.healthCheck = { ...input.healthCheck };
  if (input.plan !== undefined) fields.plan = input.plan;
  if (input.region !== undefined) fields.region = input.region;
  if (input.framework !== undefined) fields.framework = input.framework || null;
  if (input.domains !== undefined) fields.domains = [...new Set(input.domains)];
  if (input.autoDeploy !== undefined) fields.autoDeploy = input.autoDeploy;
  if (input.database !== undefined) {
    fields.database = { enabled: input.database.enabled, type: input.database.type ?? null };
  }
  return fields;
}

/** Apps: the source of truth for what should run, each owned by one user. */
@Injectable()
export class AppsService {
  private readonly logger = new Logger(AppsService.name);
  private readonly listCache = new AppListCache();
  private readonly appWrites = new KeyedLock();

  constructor(
    @InjectModel(App.name) private readonly apps: Model<App>,
    private readonly publisher: EventPublisher,
    private readonly outbox: Outbox,
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
        ...settingsOf(request),
        name: request.name,
        ownerId: request.actor.userId,
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
    this.listCache.put(toAppDto(app));
    await this.publishCreated(app).catch((error: Error) =>
      // The outbox relay publishes it later; the app exists either way.
      this.logger.warn(`app.created.v1 for ${app.name} deferred: ${error.message}`),
    );
    return toAppDto(app);
  }

  async get(actor: Actor, id: string): Promise<AppDto> {
    return toAppDto(await this.findOwned(actor, id));
  }

  async list(request: ListAppsRequest): Promise<AppListDto> {
    await this.listCache.ready(async () => (await this.apps.find({ deletedAt: null }).exec()).map(toAppDto));
    return this.listCache.page(request.actor, request.cursor, request.limit ?? LIST_DEFAULT_LIMIT);
  }

  async update(request: UpdateAppRequest): Promise<AppDto> {
    const app = await this.findOwned(request.actor, request.id);
    const fields = settingsOf(request);
    if (request.repoUrl !== undefined || request.branch !== undefined) {
      if (app.sourceKind !== 'git') {
        throw new DomainError('VALIDATION', 'repoUrl and branch only apply to an app built from git.');
      }
      if (request.repoUrl !== undefined) fields.repoUrl = request.repoUrl;
      if (request.branch !== undefined) fields.branch = request.branch;
    }
    if (request.image !== undefined) {
      if (app.sourceKind !== 'image') {
        throw new DomainError('VALIDATION', 'image only applies to an app released from an image.');
      }
      fields.image = request.image;
    }
    const updated = await this.writeApp(app._id.toHexString(), () =>
      this.apps.findOneAndUpdate({ _id: app._id, deletedAt: null }, { $set: fields }, { new: true }).exec(),
    );
    if (!updated) throw DomainError.notFound(`No app with id "${request.id}".`);
    this.listCache.put(toAppDto(updated));
    if (fields.domains !== undefined) await this.announceDomains(updated);
    return toAppDto(updated);
  }

  /** Tells the runtime which custom domains to route (it keeps them for later releases too). */
  async announceDomains(app: AppDocument): Promise<string> {
    const operationId = new Types.ObjectId().toHexString();
    await this.outbox.send({
      subject: EventSubjects.AppDomainsUpdated,
      payload: {
        operationId,
        appId: app._id.toHexString(),
        appName: app.name,
        domains: app.domains,
        requestedAt: new Date().toISOString(),
      },
      messageId: `app.domains-updated:${operationId}`,
    });
    return operationId;
  }

  /**
   * Every write of an app's document, one at a time per app: settings saved by its owner, the deployment
   * flow's fields and env revisions can arrive together, and FerretDB would keep only one of two concurrent
   * updates of one document.
   */
  private writeApp<T>(appId: string, write: () => Promise<T>): Promise<T> {
    return this.appWrites.run(appId, write);
  }

  /** The app if the actor may see it; NOT_FOUND otherwise (also for another user's app). */
  async findOwned(actor: Actor, id: string): Promise<AppDocument> {
    const app = isObjectId(id)
      ? await this.apps.findOne({ _id: id, ...ownedBy<App>(actor), deletedAt: null }).exec()
      : null;
    if (!app) throw DomainError.notFound(`No app with id "${id}".`);
    return app;
  }

  /** For trusted callers (events, webhooks that proved themselves): no owner filter. */
  async findById(id: string): Promise<AppDocument | null> {
    return isObjectId(id) ? this.apps.findOne({ _id: id, deletedAt: null }).exec() : null;
  }

  async findByName(name: string): Promise<AppDocument | null> {
    return this.apps.findOne({ name, deletedAt: null }).exec();
  }

  async setFields(appId: string, fields: Partial<App>): Promise<void> {
    const updated = await this.writeApp(appId, () =>
      this.apps.findOneAndUpdate({ _id: appId, deletedAt: null }, { $set: fields }, { new: true }).exec(),
    );
    if (updated) this.listCache.put(toAppDto(updated));
  }

  async bumpEnvRevision(appId: string): Promise<number> {
    const app = await this.writeApp(appId, () =>
      this.apps
        .findOneAndUpdate({ _id: appId, deletedAt: null }, { $inc: { envRevision: 1 } }, { new: true })
        .exec(),
    );
    if (app) this.listCache.put(toAppDto(app));
    return app?.envRevision ?? 0;
  }

  /** Hides the app from every query at once; the cascade finishes with `removeDeleted`. */
  async markDeleted(app: AppDocument): Promise<void> {
    await this.writeApp(app._id.toHexString(), () =>
      this.apps.updateOne({ _id: app._id }, { $set: { deletedAt: new Date() } }).exec(),
    );
    this.listCache.remove(app._id.toHexString());
  }

  async removeDeleted(appId: string): Promise<void> {
    await this.apps.deleteOne({ _id: appId, deletedAt: { $ne: null } }).exec();
  }

  async deletedAppIds(): Promise<string[]> {
    const apps = await this.apps
      .find({ deletedAt: { $ne: null } }, { _id: 1 })
      .limit(100)
      .exec();
    return apps.map((app) => app._id.toHexString());
  }

  async all(filter: Partial<Record<keyof App, unknown>>): Promise<AppDocument[]> {
    return this.apps.find({ ...filter, deletedAt: null }).exec();
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
