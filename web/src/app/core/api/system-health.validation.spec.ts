import { isSystemHealthDto } from './system-health.validation';

const validReport = {
  status: 'degraded',
  generatedAt: '2026-01-01T10:00:00.000Z',
  staleAfterSeconds: 15,
  services: [
    {
      name: 'gateway',
      status: 'degraded',
      version: '0.1.0',
      instanceId: 'gateway-1',
      uptimeSeconds: 120,
      lastSeenAt: '2026-01-01T09:59:58.000Z',
      dependencies: [{ name: 'caddy', status: 'down', detail: 'connection refused' }],
    },
    {
      name: 'builder',
      status: 'down',
      version: null,
      instanceId: null,
      uptimeSeconds: null,
      lastSeenAt: null,
      dependencies: [],
    },
  ],
};

describe('isSystemHealthDto', () => {
  it('accepts a report with known and never-seen services', () => {
    expect(isSystemHealthDto(validReport)).toBe(true);
    expect(isSystemHealthDto({ ...validReport, services: [] })).toBe(true);
  });

  it.each([
    ['null', null],
    ['an HTML page', '<html></html>'],
    ['an unknown overall status', { ...validReport, status: 'fine' }],
    ['a missing services list', { ...validReport, services: undefined }],
    ['an unparseable timestamp', { ...validReport, generatedAt: 'yesterday' }],
    [
      'a service without dependencies',
      { ...validReport, services: [{ ...validReport.services[0], dependencies: null }] },
    ],
    [
      'a dependency with an unknown state',
      {
        ...validReport,
        services: [{ ...validReport.services[0], dependencies: [{ name: 'nats', status: 'ok' }] }],
      },
    ],
  ])('rejects %s', (_label, value) => {
    expect(isSystemHealthDto(value)).toBe(false);
  });
});
