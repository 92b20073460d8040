import { MetricsRegistry } from './metrics';

describe('MetricsRegistry', () => {
  it('renders labelled counters and gauges in the Prometheus text format', () => {
    const registry = new MetricsRegistry();
    registry.increment('slipway_messages_total', 'Messages handled.', {
      subject: 'app.created.v1',
      result: 'ok',
    });
    registry.increment('slipway_messages_total', 'Messages handled.', {
      result: 'ok',
      subject: 'app.created.v1',
    });
    registry.increment('slipway_messages_total', 'Messages handled.', {
      subject: 'app.created.v1',
      result: 'parked',
    });
    registry.gauge('slipway_queue_length', 'Builds waiting.', () => 3);

    const text = registry.render();

    expect(text).toContain('# TYPE slipway_messages_total counter');
    expect(text).toContain('slipway_messages_total{result="ok",subject="app.created.v1"} 2');
    expect(text).toContain('slipway_messages_total{result="parked",subject="app.created.v1"} 1');
    expect(text).toContain('slipway_queue_length 3');
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
  });
});
