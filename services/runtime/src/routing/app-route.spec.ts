import { appNameOfRouteId, buildProxyRoute, buildStoppedRoute, normalizeHost } from './app-route';
import { RoutingError } from './routing-error';

describe('app routes', () => {
  it('proxies the default host to a single upstream with passive health checks and retries', () => {
    const route = buildProxyRoute({ appName: 'shop', upstreams: ['127.0.0.1:4100'] }, 'localhost');

    expect(route['@id']).toBe('app-shop');
    expect(route.match).toEqual([{ host: ['shop.localhost'] }]);
    expect(route.terminal).toBe(true);
    expect(route.handle).toEqual([
      {
        handler: 'reverse_proxy',
        upstreams: [{ dial: '127.0.0.1:4100' }],
        load_balancing: {
          selection_policy: { policy: 'round_robin' },
          try_duration: '5s',
          try_interval: '100ms',
        },
        health_checks: {
          passive: { fail_duration: '3s', max_fails: 1 },
        },
      },
    ]);
  });

  it('balances over several upstreams, dropping duplicates, and polls the health path when given', () => {
    const route = buildProxyRoute(
      {
        appName: 'shop',
        hosts: ['Shop.Example.com', 'shop.example.com', 'www.shop.example.com'],
        upstreams: ['127.0.0.1:4100', '127.0.0.1:4101', '127.0.0.1:4100'],
        healthPath: '/healthz',
      },
      'localhost',
    );
    const handler = route.handle?.[0];

    expect(route.match).toEqual([{ host: ['shop.example.com', 'www.shop.example.com'] }]);
    expect(handler?.['upstreams']).toEqual([{ dial: '127.0.0.1:4100' }, { dial: '127.0.0.1:4101' }]);
    expect(handler?.['health_checks']).toMatchObject({
      active: { uri: '/healthz', interval: '5s', timeout: '2s' },
    });
  });

  it('answers a stopped app with 503 and a page that names it', () => {
    const route = buildStoppedRoute('shop', undefined, 'apps.example.com');
    const handler = route.handle?.[0];

    expect(route['@id']).toBe('app-shop');
    expect(route.match).toEqual([{ host: ['shop.apps.example.com'] }]);
    expect(handler).toMatchObject({ handler: 'static_response', status_code: 503 });
    expect(handler?.['body']).toContain('<h1>shop is stopped</h1>');
  });

  it.each(['', 'Shop', 'shop/../../config', 'shop%2f', '-shop', 'shop-', 'a'.repeat(64), 'shop app'])(
    'rejects the app name %j',
    (appName) => {
      expect(() => buildProxyRoute({ appName, upstreams: ['127.0.0.1:1'] }, 'localhost')).toThrow(
        RoutingError,
      );
    },
  );

  it.each([
    'shop.localhost:8080',
    'http://shop.localhost',
    'shop..localhost',
    '*.localhost',
    'shop_1.localhost',
    'a/b',
  ])('rejects the host %j', (host) => {
    expect(() => normalizeHost(host)).toThrow(/is not a valid host name/);
  });

  it.each(['127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', 'http://127.0.0.1:80', '127.0.0.1:80/x'])(
    'rejects the upstream %j',
    (upstream) => {
      expect(() => buildProxyRoute({ appName: 'shop', upstreams: [upstream] }, 'localhost')).toThrow(
        /is not valid: expected host:port/,
      );
    },
  );

  it('refuses a proxy route with no upstream', () => {
    expect(() => buildProxyRoute({ appName: 'shop', upstreams: [] }, 'localhost')).toThrow(/no upstream/);
  });

  it('recognises only app route ids', () => {
    expect(appNameOfRouteId('app-shop')).toBe('shop');
    expect(appNameOfRouteId('slipway-catch-all-404')).toBeUndefined();
    expect(appNameOfRouteId(undefined)).toBeUndefined();
  });
});
