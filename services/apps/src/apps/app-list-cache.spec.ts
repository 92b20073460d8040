import { AppDto } from '@slipway/contracts';
import { AppListCache } from './app-list-cache';

function app(id: string, ownerId: string): AppDto {
  return { id, ownerId, name: `app-${id}` } as AppDto;
}

const ids = ['6b0c00000000000000000001', '6b0c00000000000000000002', '6b0c00000000000000000003'];

describe('AppListCache', () => {
  it('pages newest first for the owner, everything for an admin', async () => {
    const cache = new AppListCache();
    await cache.ready(async () => [
      app(ids[0] ?? '', 'u1'),
      app(ids[1] ?? '', 'u2'),
      app(ids[2] ?? '', 'u1'),
    ]);
    const first = cache.page({ userId: 'u1', role: 'user' }, undefined, 1);
    expect(first).toEqual({ items: [expect.objectContaining({ id: ids[2] })], nextCursor: ids[2] });
    const second = cache.page({ userId: 'u1', role: 'user' }, first.nextCursor ?? undefined, 1);
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect(cache.page({ userId: 'a', role: 'admin' }, undefined, 10).items.map((item) => item.id)).toEqual([
      ids[2],
      ids[1],
      ids[0],
    ]);
    expect(() => cache.page({ userId: 'u1', role: 'user' }, 'nonsense', 1)).toThrow('The cursor is not one');
  });

  it('keeps a write that lands while the first load is still running', async () => {
    const cache = new AppListCache();
    let finishLoad: (apps: AppDto[]) => void = () => undefined;
    const loading = cache.ready(() => new Promise<AppDto[]>((resolve) => (finishLoad = resolve)));
    cache.put(app(ids[2] ?? '', 'u1'));
    cache.remove(ids[0] ?? '');
    finishLoad([app(ids[0] ?? '', 'u1'), app(ids[1] ?? '', 'u1')]);
    await loading;
    expect(cache.page({ userId: 'u1', role: 'user' }, undefined, 10).items.map((item) => item.id)).toEqual([
      ids[2],
      ids[1],
    ]);
  });
});
