import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Actor, AppListDto } from '@slipway/contracts';
import { NatsConnectionProvider } from '@slipway/nest-messaging';
import { Subscription } from 'nats';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { GatewayConfig } from '../config/gateway.config';

/** Subjects of every event after which an app list may read differently (apps, their deployments). */
export const APP_LIST_CHANGE_SUBJECTS = ['app.>', 'deployment.>'] as const;
/** ~35 KB per page of 50 apps (~4 KB gzipped): at most a few tens of megabytes. */
const MAX_ENTRIES = 1_000;
const gzipAsync = promisify(gzip);

interface Entry {
  /** The page as JSON text, settled or in flight: concurrent misses for one key share one request. */
  json: Promise<string>;
  /** The same text gzipped, made on the first request that accepts it and then sent as it is. */
  gzipped?: Promise<Buffer>;
  /** Fresh until then; for as long again it is still answered while one request refreshes it. */
  until: number;
  /** The JSON is there (a page still loading is waited for, never answered stale). */
  loaded: boolean;
  /** A refresh of this stale page is running. */
  refreshing: boolean;
}

/**
 * Recent `GET /apps` pages per caller, kept as the JSON text sent. Dashboards poll the list; answering a
 * repeated poll from memory spares the apps service a request and the gateway a NATS round trip and a
 * serialisation. Everything is forgotten as soon as an app may have changed: when a write through this
 * gateway has been answered, and on every app or deployment event from any service (which covers writes
 * through other gateway instances and deploys requested by other systems). A list loaded across such a
 * change is not kept.
 *
 * A page is fresh for APP_LIST_CACHE_MS. For as long again, a poll is still answered from memory while one
 * request refreshes the page behind it (stale-while-revalidate): nothing is known to have changed (a change
 * forgets the page), and the polls arriving during the refresh (a NATS round trip and a database read) no
 * longer all wait for it. Past twice APP_LIST_CACHE_MS, a poll waits for a fresh page.
 */
@Injectable()
export class AppListCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AppListCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly subscriptions: Subscription[] = [];
  /** Bumped by every change, so a load that began before it is not stored after it. */
  private generation = 0;

  constructor(
    private readonly nats: NatsConnectionProvider,
    private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    const connection = await this.nats.get();
    for (const subject of APP_LIST_CHANGE_SUBJECTS) {
      this.subscriptions.push(connection.subscribe(subject, { callback: () => this.forgetAll() }));
    }
  }

  onApplicationShutdown(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private get enabled(): boolean {
    return this.config.APP_LIST_CACHE_MS > 0;
  }

  /** The page as JSON, from memory when recent, otherwise from `load` (kept unless something changed meanwhile). */
  async pageJson(
    actor: Actor,
    query: { cursor?: string; limit?: number },
    load: () => Promise<AppListDto>,
  ): Promise<string> {
    return (await this.page(actor, query, load)).json;
  }

  /**
   * The same page gzipped. Browsers and HTTP clients (Node's fetch included) accept gzip: a polled page is
   * compressed once per cache entry (off the event loop) instead of never, and ~4 KB go out instead of ~35 KB.
   */
  async pageGzipped(
    actor: Actor,
    query: { cursor?: string; limit?: number },
    load: () => Promise<AppListDto>,
  ): Promise<Buffer> {
    const entry = await this.page(actor, query, load);
    entry.gzipped ??= entry.json.then((text) => gzipAsync(text));
    return entry.gzipped;
  }

  private async page(
    actor: Actor,
    query: { cursor?: string; limit?: number },
    load: () => Promise<AppListDto>,
  ): Promise<{ json: Promise<string>; gzipped?: Promise<Buffer> }> {
    if (!this.enabled) return { json: load().then((list) => JSON.stringify(list)) };
    const key = JSON.stringify([actor.userId, actor.role, query.cursor ?? null, query.limit ?? null]);
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.until > now) {
      await cached.json;
      return cached;
    }
    if (cached?.loaded && cached.until + this.config.APP_LIST_CACHE_MS > now) {
      this.refreshBehind(key, cached, load);
      return cached;
    }

    const generation = this.generation;
    const json = load().then((list) => JSON.stringify(list));
    const entry = this.store(key, json);
    try {
      await json;
    } catch (error) {
      // A failure is never served again: the next caller asks the apps service itself.
      this.forget(key, entry);
      throw error;
    }
    entry.loaded = true;
    if (generation !== this.generation) this.forget(key, entry);
    return entry;
  }

  /** Loads the page again while `stale` is still answered; the new one replaces it unless something changed. */
  private refreshBehind(key: string, stale: Entry, load: () => Promise<AppListDto>): void {
    if (stale.refreshing) return;
    stale.refreshing = true;
    const generation = this.generation;
    load()
      .then((list) => JSON.stringify(list))
      .then(
        (text) => {
          if (generation !== this.generation || this.entries.get(key) !== stale) return;
          this.store(key, Promise.resolve(text)).loaded = true;
        },
        (error: Error) => {
          // The stale page stays until it is too old; the next poll tries again.
          stale.refreshing = false;
          this.logger.warn(`An app list was not refreshed: ${error.message}`);
        },
      );
  }

  private store(key: string, json: Promise<string>): Entry {
    const entry: Entry = {
      json,
      until: Date.now() + this.config.APP_LIST_CACHE_MS,
      loaded: false,
      refreshing: false,
    };
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, entry);
    return entry;
  }

  private forget(key: string, entry: Entry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }

  /** Something about apps changed: no list in memory can be trusted any more. */
  forgetAll(): void {
    this.generation += 1;
    if (this.entries.size > 0) this.logger.verbose(`Forgetting ${this.entries.size} app lists`);
    this.entries.clear();
  }
}
