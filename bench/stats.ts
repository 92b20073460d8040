export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export function summary(label: string, samples: number[], unit = 'ms'): string {
  const format = (value: number) => value.toFixed(1);
  return `${label}: n=${samples.length} p50=${format(percentile(samples, 50))}${unit} p99=${format(percentile(samples, 99))}${unit} max=${format(Math.max(...samples))}${unit}`;
}
