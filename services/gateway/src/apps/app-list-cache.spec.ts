import { AppListDto } from '@slipway/contracts';
import { NatsConnectionProvider } from '@slipway/nest-messaging';
import { GatewayConfig } from '../config/gateway.config';
import { gunzipSync } from 'node:zlib';
import { AppListCache } from './app-list-cache';

const actor = { userId: 'user-1', role: 'user' as const };
const page = (name: string): AppListDto => ({
  items: [{ name } as AppListDto['items'][number]],
  nextCursor: null,
});
/** The page as the cache answers it: the JSON text sent. */
const json = (name: string): string => JSON.stringify(page(name));

function cacheFor(ttlMs: number): AppListCache {
  const config = Object.assign(new GatewayConfig(), { APP_LIST_CACHE_MS: ttlMs });
  return new AppListCache({} as NatsConnectionProvider, config);
}

/** A load the test settles by hand. */
function deferred(): {
  promise: Promise<AppListDto>;
  resolve: (list: AppListDto) => void;
  reject: (e: Error) => void;
} {
  let resolve!: (list: AppListDto) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<AppListDto>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('AppListCache', () => {
  afterEach(() => jest.useRealTimers());

  it('answers a repeated request from memory while it is fresh', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = cacheFor(2_000);
    const load = jest.fn().mockResolvedValueOnce(page('first')).mockResolvedValueOnce(page('second'));
    expect(await cache.pageJson(actor, {}, load)).toBe(json('first'));
    jest.setSystemTime(1_001_999);
    expect(await cache.pageJson(actor, {}, load)).toBe(json('first'));
    expect(load).toHaveBeenCalledTimes(1);
  });

  /**
   * A 2 s cache holding the page "first", which has just gone stale. Its next load is `refresh` (settled by
   * the test), then `later`.
   */
  async function staleCache(...later: AppListDto[]) {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = cacheFor(2_000);
    const refresh = deferred();
    const load = jest
      .fn()
      .mockResolvedValueOnce(page('first'))
      .mockImplementationOnce(() => refresh.promise);
    for (const list of later) load.mockResolvedValueOnce(list);
    await cache.pageJson(actor, {}, load);
    jest.setSystemTime(1_002_001);
    /** Lets the refresh's callbacks run. */
    const settled = async () => {
      await refresh.promise.catch(() => undefined);
      await Promise.resolve();
    };
    return { cache, refresh, load, settled };
  }

  it('answers a stale page at once while one request refreshes it, then the refreshed page', async () => {
    const { cache, refresh, load, settled } = await staleCache();
    // Both polls are answered from memory; only one refresh runs.
    expect(await cache.pageJson(actor, {}, load)).toBe(json('first'));
    expect(await cache.pageJson(actor, {}, load)).toBe(json('first'));
    expect(load).toHaveBeenCalledTimes(2);
    refresh.resolve(page('second'));
    await settled();
    expect(await cache.pageJson(actor, {}, load)).toBe(json('second'));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('waits for a fresh page once the stale one is twice the cache time old', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = cacheFor(2_000);
    const load = jest.fn().mockResolvedValueOnce(page('first')).mockResolvedValueOnce(page('second'));
    await cache.pageJson(actor, {}, load);
    jest.setSystemTime(1_004_001);
    expect(await cache.pageJson(actor, {}, load)).toBe(json('second'));
  });

  it('keeps answering the stale page when its refresh fails, and tries again on the next poll', async () => {
    const { cache, refresh, load, settled } = await staleCache(page('second'));
    expect(await cache.pageJson(actor, {}, load)).toBe(json('first'));
    refresh.reject(new Error('apps down'));
    await settled();
    expect(await cache.pageJson(actor, {}, load)).toBe(json('first'));
    expect(load).toHaveBeenCalledTimes(3);
    await Promise.resolve();
    await Promise.resolve();
    expect(await cache.pageJson(actor, {}, load)).toBe(json('second'));
  });

  it('never answers a stale page after a change, nor keeps a refresh that ran across one', async () => {
    const { cache, refresh, load, settled } = await staleCache(page('after the change'));
    expect(await cache.pageJson(actor, {}, load)).toBe(json('first'));
    cache.forgetAll();
    refresh.resolve(page('refreshed across the change'));
    await settled();
    expect(await cache.pageJson(actor, {}, load)).toBe(json('after the change'));
  });

  it('keeps callers, roles and pages apart', async () => {
    const cache = cacheFor(60_000);
    let loads = 0;
    const load = jest.fn(async (): Promise<AppListDto> => page(`load-${(loads += 1)}`));
    await cache.pageJson(actor, {}, load);
    await cache.pageJson({ userId: 'user-2', role: 'user' }, {}, load);
    await cache.pageJson({ userId: 'user-1', role: 'admin' }, {}, load);
    await cache.pageJson(actor, { limit: 10 }, load);
    await cache.pageJson(actor, { cursor: 'abc' }, load);
    expect(load).toHaveBeenCalledTimes(5);
    expect(await cache.pageJson(actor, { limit: 10 }, load)).toBe(json('load-4'));
  });

  it('shares one load between requests that arrive while it is in flight', async () => {
    const cache = cacheFor(60_000);
    const pending = deferred();
    const load = jest.fn(() => pending.promise);
    const answers = Promise.all([cache.pageJson(actor, {}, load), cache.pageJson(actor, {}, load)]);
    pending.resolve(page('shared'));
    expect(await answers).toEqual([json('shared'), json('shared')]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets everything on a change, and does not keep a list loaded across one', async () => {
    const cache = cacheFor(60_000);
    await cache.pageJson(actor, {}, async () => page('before'));
    cache.forgetAll();
    const inFlight = deferred();
    const answer = cache.pageJson(actor, {}, () => inFlight.promise);
    cache.forgetAll();
    inFlight.resolve(page('loaded across the change'));
    expect(await answer).toBe(json('loaded across the change'));
    expect(await cache.pageJson(actor, {}, async () => page('after'))).toBe(json('after'));
  });

  it('never serves a failure again', async () => {
    const cache = cacheFor(60_000);
    await expect(
      cache.pageJson(actor, {}, async () => Promise.reject(new Error('apps down'))),
    ).rejects.toThrow('apps down');
    expect(await cache.pageJson(actor, {}, async () => page('recovered'))).toBe(json('recovered'));
  });

  it('always asks when turned off', async () => {
    const cache = cacheFor(0);
    const load = jest.fn(async () => page('fresh'));
    await cache.pageJson(actor, {}, load);
    await cache.pageJson(actor, {}, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('gzips a remembered page once and sends the same bytes to every caller that accepts gzip', async () => {
    const cache = cacheFor(60_000);
    const load = jest.fn().mockResolvedValue(page('zipped'));
    const first = await cache.pageGzipped(actor, {}, load);
    const second = await cache.pageGzipped(actor, {}, load);
    expect(second).toBe(first);
    expect(gunzipSync(first).toString('utf8')).toBe(json('zipped'));
    expect(await cache.pageJson(actor, {}, load)).toBe(json('zipped'));
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets the gzipped page with the page after a change', async () => {
    const cache = cacheFor(60_000);
    const load = jest.fn().mockResolvedValueOnce(page('old')).mockResolvedValueOnce(page('new'));
    await cache.pageGzipped(actor, {}, load);
    cache.forgetAll();
    expect(gunzipSync(await cache.pageGzipped(actor, {}, load)).toString('utf8')).toBe(json('new'));
  });
});
