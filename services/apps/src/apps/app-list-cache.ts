import { Actor, AppDto } from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { isObjectId } from '@slipway/nest-mongo';

/**
 * Every live app as the list shows it, in memory. FerretDB answers a filtered, sorted scan of even 100 small
 * documents in 15-30 ms (measured), too slow for a list the portal polls; lookups by id stay on the database.
 * The apps service is the only writer, so it keeps this current by passing every written app through
 * `put`/`remove`; writes that land while the first load runs are applied after it.
 */
export class AppListCache {
  private readonly apps = new Map<string, AppDto>();
  private loading: Promise<void> | null = null;
  private loaded = false;
  private readonly writesDuringLoad = new Map<string, AppDto | null>();

  async ready(loadAll: () => Promise<AppDto[]>): Promise<void> {
    if (this.loaded) return;
    this.loading ??= (async () => {
      try {
        for (const app of await loadAll()) this.apps.set(app.id, app);
        for (const [id, app] of this.writesDuringLoad) {
          if (app) this.apps.set(id, app);
          else this.apps.delete(id);
        }
        this.writesDuringLoad.clear();
        this.loaded = true;
      } finally {
        this.loading = null;
      }
    })();
    await this.loading;
  }

  put(app: AppDto): void {
    if (this.loading) this.writesDuringLoad.set(app.id, app);
    this.apps.set(app.id, app);
  }

  remove(id: string): void {
    if (this.loading) this.writesDuringLoad.set(id, null);
    this.apps.delete(id);
  }

  /** Newest first (ids grow with time); `cursor` is the last id of the previous page. */
  page(
    actor: Actor,
    cursor: string | undefined,
    limit: number,
  ): { items: AppDto[]; nextCursor: string | null } {
    if (cursor !== undefined && !isObjectId(cursor)) {
      throw new DomainError(
        'VALIDATION',
        'The cursor is not one this list handed out; start from the first page.',
      );
    }
    const visible = [...this.apps.values()]
      .filter((app) => actor.role === 'admin' || app.ownerId === actor.userId)
      .filter((app) => cursor === undefined || app.id < cursor)
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const items = visible.slice(0, limit);
    return { items, nextCursor: visible.length > limit ? (items[items.length - 1]?.id ?? null) : null };
  }
}
