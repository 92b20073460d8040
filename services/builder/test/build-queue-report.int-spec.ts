import { BuildQueueLoad, EventSubjects, HeartbeatEvent, SystemHealthDto } from '@slipway/contracts';
import { waitFor } from '@slipway/testing';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { BuilderHarness, dockerfileRepo } from './build-harness';

const codec = JSONCodec<HeartbeatEvent>();

// The admin health dashboard's "queued / running builds" come from the builder's own queue, reported in
// its heartbeat and passed on by the gateway's system health.
describe("builder: its queue in the heartbeat and the gateway's system health", () => {
  let builder: BuilderHarness;
  let nats: NatsConnection;
  let lastReported: BuildQueueLoad | undefined;

  beforeAll(async () => {
    builder = await BuilderHarness.start({ BUILD_CONCURRENCY: '1' }, ['builder', 'gateway']);
    nats = await connect({ servers: builder.platform.nats.url });
    nats.subscribe(EventSubjects.HealthHeartbeat, {
      callback: (_error, message) => {
        const beat = codec.decode(message.data);
        if (beat.service === 'builder') lastReported = beat.buildQueue;
      },
    });
  }, 180_000);

  afterAll(async () => {
    await nats?.close();
    await builder?.stop();
  }, 120_000);

  const gatewayReport = async () => {
    const response = await fetch(`${builder.platform.gatewayUrl}/api/v1/system/health`);
    const health = (await response.json()) as SystemHealthDto;
    return health.services.find((service) => service.name === 'builder')?.buildQueue;
  };

  it('reports an idle queue before any build is requested', async () => {
    await waitFor(() => lastReported, { timeoutMs: 15_000, description: 'a builder heartbeat' });
    expect(lastReported).toEqual({ queued: 0, running: 0, concurrency: 1 });
  });

  it('reports 1 running and 1 queued with a concurrency of 1 and two builds requested, then idle again', async () => {
    const repoUrl = await dockerfileRepo(
      'queue-report',
      'FROM slipway-local/node:20-bookworm\nRUN echo starting slow step && sleep 120\nCMD ["node", "-e", "0"]\n',
    );
    const first = await builder.requestBuild('queue-report', { kind: 'git', repoUrl });
    const second = await builder.requestBuild('queue-report-next', { kind: 'git', repoUrl });

    await waitFor(() => lastReported?.running === 1 && lastReported.queued === 1, {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: `a heartbeat with 1 running and 1 queued (last: ${JSON.stringify(lastReported)})`,
    });
    expect(lastReported).toEqual({ queued: 1, running: 1, concurrency: 1 });
    const passedOn = await waitFor(
      async () => {
        const report = await gatewayReport();
        return report?.running === 1 && report.queued === 1 ? report : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, description: 'the gateway to pass the queue on' },
    );
    expect(passedOn).toEqual({ queued: 1, running: 1, concurrency: 1 });

    for (const deploymentId of [second, first]) {
      await builder.publish(EventSubjects.BuildCancelRequested, { deploymentId, reason: 'test over' });
      await builder.result(deploymentId, 30_000);
    }
    await waitFor(() => lastReported?.running === 0 && lastReported.queued === 0, {
      timeoutMs: 15_000,
      description: 'an idle queue after both builds were cancelled',
    });
  });
});
