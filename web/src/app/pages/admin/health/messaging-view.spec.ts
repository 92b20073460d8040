import type { ConsumerHealthDto, MessagingHealthDto } from '@slipway/contracts';

import { formatBytes, toMessagingView } from './messaging-view';

const generatedAt = Date.parse('2026-01-01T10:00:00.000Z');

function consumer(
  overrides: Partial<ConsumerHealthDto> & Pick<ConsumerHealthDto, 'name'>,
): ConsumerHealthDto {
  return {
    stream: 'SLIPWAY_EVENTS',
    filterSubject: 'app.created.v1',
    owner: 'logs',
    pending: 0,
    ackPending: 0,
    redelivered: 0,
    waiting: 1,
    ...overrides,
  };
}

function report(overrides: Partial<MessagingHealthDto> = {}): MessagingHealthDto {
  return {
    generatedAt: new Date(generatedAt).toISOString(),
    streams: [
      {
        name: 'SLIPWAY_EVENTS',
        messages: 12_345,
        bytes: 3_500_000,
        firstSeq: 7,
        lastSeq: 12_351,
        consumerCount: 2,
      },
      { name: 'SLIPWAY_PARKED', messages: 0, bytes: 0, firstSeq: 0, lastSeq: 0, consumerCount: 0 },
    ],
    consumers: [],
    parked: { total: 0, recent: [] },
    buildQueue: { pending: 0 },
    ...overrides,
  };
}

describe('toMessagingView', () => {
  it('formats stream counts, sizes and sequence ranges, and calls an empty stream empty', () => {
    const view = toMessagingView(report(), generatedAt);

    expect(view.streams).toEqual([
      {
        name: 'SLIPWAY_EVENTS',
        messages: '12,345',
        size: '3.3 MiB',
        sequences: '7–12,351',
        consumerCount: 2,
      },
      { name: 'SLIPWAY_PARKED', messages: '0', size: '0 B', sequences: 'empty', consumerCount: 0 },
    ]);
  });

  it('puts the consumers with the most work first and marks those with any as backlogged', () => {
    const view = toMessagingView(
      report({
        consumers: [
          consumer({ name: 'idle' }),
          consumer({ name: 'in-flight', ackPending: 2 }),
          consumer({ name: 'behind', pending: 40, ackPending: 4, stream: 'SLIPWAY_LOGS', filterSubject: '' }),
          consumer({ name: 'stranger', owner: null }),
        ],
      }),
      generatedAt,
    );

    expect(view.consumers.map((row) => [row.name, row.backlogged])).toEqual([
      ['behind', true],
      ['in-flight', true],
      ['idle', false],
      ['stranger', false],
    ]);
    expect(view.backloggedConsumers).toBe(2);
    expect(view.consumers[0]).toMatchObject({ key: 'SLIPWAY_LOGS/behind', filterSubject: 'all subjects' });
    expect(view.consumers[3]?.owner).toBe('not declared');
  });

  it('shows parked messages with their age on the gateway clock, and an unknown time as such', () => {
    const view = toMessagingView(
      report({
        parked: {
          total: 31,
          recent: [
            {
              seq: 31,
              subject: 'logs.a.b.build',
              consumer: 'logs-log-batch',
              reason: 'invalid payload: lines must be an array',
              parkedAt: new Date(generatedAt - 90_000).toISOString(),
            },
            { seq: 30, subject: 'parked.x', consumer: 'unknown', reason: 'no reason recorded', parkedAt: '' },
          ],
        },
      }),
      generatedAt + 30_000,
    );

    expect(view.parkedTotal).toBe(31);
    expect(view.parked[0]).toMatchObject({ seq: 31, parkedAgo: '2 min ago', consumer: 'logs-log-batch' });
    expect(view.parked[1]).toMatchObject({ parkedAt: null, parkedAgo: null });
  });

  it('words the build queue, including a builder that never started', () => {
    expect(toMessagingView(report(), generatedAt).buildQueueLabel).toBe(
      'no build requests waiting for the builder',
    );
    expect(toMessagingView(report({ buildQueue: { pending: 1 } }), generatedAt).buildQueueLabel).toBe(
      '1 build request waiting for the builder',
    );
    expect(toMessagingView(report({ buildQueue: { pending: 1200 } }), generatedAt).buildQueueLabel).toBe(
      '1,200 build requests waiting for the builder',
    );
    const unknown = toMessagingView(report({ buildQueue: { pending: null } }), generatedAt);
    expect(unknown.buildQueue).toBeNull();
    expect(unknown.buildQueueLabel).toMatch(/builder has not started yet/);
  });
});

describe('formatBytes', () => {
  it('uses binary units with one decimal below ten', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(20 * 1024 * 1024), formatBytes(-1)]).toEqual([
      '512 B',
      '1.5 KiB',
      '20 MiB',
      '0 B',
    ]);
  });
});
