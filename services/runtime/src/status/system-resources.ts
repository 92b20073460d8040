import { SystemResourcesBucketDto } from '@slipway/contracts';

/** What the aggregation needs of one stored sample (see MetricSample). */
export interface StoredSample {
  instanceId: string;
  at: Date;
  cpuPercent: number;
  memoryBytes: number;
}

/**
 * Pure: adds every instance's use up per bucket of `bucketMs`. A chart bucket can hold several stored
 * samples of one instance (stored buckets are shorter): that instance counts once, with its average, so
 * a wider bucket does not double the totals.
 */
export function aggregateSamples(
  samples: readonly StoredSample[],
  bucketMs: number,
): SystemResourcesBucketDto[] {
  const buckets = new Map<number, Map<string, { cpu: number; memory: number; count: number }>>();
  for (const sample of samples) {
    const start = Math.floor(sample.at.getTime() / bucketMs) * bucketMs;
    let instances = buckets.get(start);
    if (!instances) {
      instances = new Map();
      buckets.set(start, instances);
    }
    const sum = instances.get(sample.instanceId) ?? { cpu: 0, memory: 0, count: 0 };
    sum.cpu += sample.cpuPercent;
    sum.memory += sample.memoryBytes;
    sum.count += 1;
    instances.set(sample.instanceId, sum);
  }
  return [...buckets]
    .sort(([a], [b]) => a - b)
    .map(([start, instances]) => {
      let cpuPercent = 0;
      let memoryBytes = 0;
      for (const sum of instances.values()) {
        cpuPercent += sum.cpu / sum.count;
        memoryBytes += sum.memory / sum.count;
      }
      return {
        at: new Date(start).toISOString(),
        containers: instances.size,
        cpuPercent: Math.round(cpuPercent * 100) / 100,
        memoryBytes: Math.round(memoryBytes),
      };
    });
}
