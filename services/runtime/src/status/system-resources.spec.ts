import { aggregateSamples } from './system-resources';

const at = (iso: string) => new Date(`2026-11-29T${iso}Z`);

describe('aggregateSamples', () => {
  it('adds up the instances of a bucket and counts each once', () => {
    const buckets = aggregateSamples(
      [
        { instanceId: 'a', at: at('10:00:00'), cpuPercent: 10, memoryBytes: 100 },
        { instanceId: 'b', at: at('10:00:30'), cpuPercent: 5, memoryBytes: 50 },
        { instanceId: 'a', at: at('10:01:10'), cpuPercent: 20, memoryBytes: 300 },
      ],
      60_000,
    );
    expect(buckets).toEqual([
      { at: '2026-11-29T10:00:00.000Z', containers: 2, cpuPercent: 15, memoryBytes: 150 },
      { at: '2026-11-29T10:01:00.000Z', containers: 1, cpuPercent: 20, memoryBytes: 300 },
    ]);
  });

  it('averages an instance over the stored samples a wider bucket holds instead of summing them', () => {
    const buckets = aggregateSamples(
      [
        { instanceId: 'a', at: at('10:00:00'), cpuPercent: 10, memoryBytes: 100 },
        { instanceId: 'a', at: at('10:01:00'), cpuPercent: 30, memoryBytes: 300 },
        { instanceId: 'b', at: at('10:02:00'), cpuPercent: 1, memoryBytes: 1000 },
      ],
      15 * 60_000,
    );
    expect(buckets).toEqual([
      { at: '2026-11-29T10:00:00.000Z', containers: 2, cpuPercent: 21, memoryBytes: 1200 },
    ]);
  });

  it('returns no buckets when nothing was sampled', () => {
    expect(aggregateSamples([], 60_000)).toEqual([]);
  });
});
