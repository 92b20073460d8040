import { randomBytes } from 'node:crypto';

import { dockerSocketPath, ensureDockerAvailable, removeContainersByLabel } from '@slipway/testing';
import Docker from 'dockerode';

import { DockerDriver, DriverLogger } from '../../src/driver/docker-driver';
import { InMemoryPortAllocator } from '../../src/driver/port-allocator';
import { InstanceSpec } from '../../src/driver/runtime-driver';
import { checkHealth } from '../../src/health-check/health-checker';

const IMAGE = 'slipway-local/node:20-bookworm';
const TEST_LABEL = 'io.slipway.test';
const GRACE_MS = 10_000;

/** Every message the driver logged, to prove no secret ever reaches a log. */
const logged: string[] = [];
const logger: DriverLogger = {
  log: (message) => logged.push(message),
  warn: (message) => logged.push(message),
};

const docker = new Docker({ socketPath: dockerSocketPath() });
const driver = new DockerDriver(docker, new InMemoryPortAllocator({ from: 47000, to: 47999 }), { logger });
const run = randomBytes(4).toString('hex');

function spec(overrides: Partial<InstanceSpec>): InstanceSpec {
  return {
    appId: `app-${run}`,
    appName: `Driver Test ${run}`,
    deploymentId: `dep-${run}`,
    releaseId: `rel-${run}`,
    image: IMAGE,
    env: {},
    port: 8080,
    resources: { memoryMb: 128, cpus: 0.5 },
    restartPolicy: { name: 'on-failure', maxRetries: 3 },
    labels: { [TEST_LABEL]: 'true' },
    ...overrides,
  };
}

async function get(address: string): Promise<string> {
  const response = await fetch(`http://${address}/`);
  return response.text();
}

describe('DockerDriver (real Docker Engine)', () => {
  beforeAll(async () => {
    await ensureDockerAvailable();
  });

  afterAll(async () => {
    await removeContainersByLabel(TEST_LABEL, 'true');
  });

  it('starts an app that becomes healthy with its env, labels and limits, stops it gracefully and removes it', async () => {
    const secret = `s3cret-${randomBytes(8).toString('hex')}`;
    const started = Date.now();
    const handle = await driver.startInstance(
      spec({
        env: { APP_GREETING: 'from-env', DATABASE_PASSWORD: secret },
        command: [
          'node',
          '-e',
          "require('http').createServer((q,s)=>s.end('ok '+process.env.APP_GREETING)).listen(process.env.PORT)",
        ],
      }),
    );
    expect(handle.id).toBe(`slipway-driver-test-${run}-rel-${run}-1`);
    expect(handle.address).toBe(`127.0.0.1:${handle.hostPort}`);

    const health = await checkHealth(
      { kind: 'http', host: '127.0.0.1', port: handle.hostPort },
      { intervalMs: 50, attemptTimeoutMs: 1000, successesRequired: 2, deadlineMs: 20_000 },
    );
    const healthyAfterMs = Date.now() - started;
    expect(health).toMatchObject({ healthy: true });
    expect(await get(handle.address)).toBe('ok from-env');

    const info = await docker.getContainer(handle.containerId).inspect();
    expect(info.Config.Labels).toMatchObject({
      'io.slipway.managed-by': 'slipway',
      'io.slipway.app': `app-${run}`,
      'io.slipway.deployment': `dep-${run}`,
      'io.slipway.release': `rel-${run}`,
      [TEST_LABEL]: 'true',
    });
    expect(info.HostConfig.Init).toBe(true);
    expect(info.HostConfig.Memory).toBe(128 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(500_000_000);
    expect(info.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(info.Config.Env).toContain('PORT=8080');
    expect(info.HostConfig.PortBindings).toEqual({
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(handle.hostPort) }],
    });
    expect(await driver.inspect(handle.id)).toMatchObject({
      status: 'running',
      running: true,
      exitCode: null,
    });

    const stopStarted = Date.now();
    await driver.stopInstance(handle.id, { graceMs: GRACE_MS });
    const stopMs = Date.now() - stopStarted;
    // With Init, tini forwards SIGTERM and node exits at once; without it Docker would wait the full grace.
    expect(stopMs).toBeLessThan(GRACE_MS - 1000);
    const stopped = await driver.inspect(handle.id);
    expect(stopped).toMatchObject({ status: 'exited', running: false });
    expect(stopped.exitCode).not.toBe(137); // not SIGKILLed after the grace period

    await driver.removeInstance(handle.id);
    const left = await driver.listManagedInstances({ labels: { [TEST_LABEL]: 'true' }, appId: `app-${run}` });
    expect(left.map((instance) => instance.id)).not.toContain(handle.id);
    await expect(driver.inspect(handle.id)).rejects.toThrow(
      `No instance managed by Slipway is named ${handle.id}`,
    );

    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain(secret);
    console.log(
      `start → first healthy response ${healthyAfterMs} ms (${health.healthy && health.attempts} checks); stop ${stopMs} ms`,
    );
  });

  it('fails the health check of an app that exits, naming the exit code, and keeps its last log lines', async () => {
    const handle = await driver.startInstance(
      spec({
        deploymentId: `dep-crash-${run}`,
        restartPolicy: { name: 'no' },
        command: [
          'node',
          '-e',
          "console.log('booting...'); console.error('cannot connect'); process.exit(1)",
        ],
      }),
    );
    const health = await checkHealth(
      { kind: 'http', host: '127.0.0.1', port: handle.hostPort },
      {
        intervalMs: 100,
        attemptTimeoutMs: 1000,
        deadlineMs: 20_000,
        giveUpIf: async () => {
          const state = await driver.inspect(handle.id);
          return state.exitCode !== null && !state.running
            ? `The instance exited with code ${state.exitCode} before it answered on port 8080.`
            : undefined;
        },
      },
    );
    expect(health).toMatchObject({
      healthy: false,
      reason: 'The instance exited with code 1 before it answered on port 8080.',
    });
    expect(await driver.lastLogLines(handle.id, 10)).toEqual(['booting...', 'cannot connect']);
    expect(await driver.lastLogLines(handle.id, 1)).toEqual(['cannot connect']);
    await driver.removeInstance(handle.id);
  });

  it('fails the health check of an app that runs but never listens, with a readable reason', async () => {
    const handle = await driver.startInstance(
      spec({
        deploymentId: `dep-silent-${run}`,
        command: ['node', '-e', "console.log('booting...'); setInterval(() => {}, 1000)"],
      }),
    );
    const health = await checkHealth(
      { kind: 'http', host: '127.0.0.1', port: handle.hostPort },
      { intervalMs: 100, attemptTimeoutMs: 500, deadlineMs: 1500 },
    );
    expect(health.healthy).toBe(false);
    if (health.healthy) return;
    expect(health.reason).toMatch(
      new RegExp(`^http://127.0.0.1:${handle.hostPort}/ did not become healthy within 1500 ms`),
    );
    expect(health.lastError).toBeDefined();
    expect(await driver.lastLogLines(handle.id, 5)).toEqual(['booting...']);
    await driver.removeInstance(handle.id);
  });

  it('never lists, stops or removes a container it did not start, even one whose image says managed-by=slipway', async () => {
    const name = `unmanaged-${run}`;
    const foreign = await docker.createContainer({
      Image: IMAGE,
      name,
      Cmd: ['node', '-e', 'setInterval(() => {}, 1000)'],
      Labels: { [TEST_LABEL]: 'true', 'io.slipway.app': `app-${run}` },
      HostConfig: { Init: true },
    });
    await foreign.start();
    // Image labels are inherited: Slipway's base image makes this container look managed at first sight.
    expect((await foreign.inspect()).Config.Labels['io.slipway.managed-by']).toBe('slipway');

    const listed = await driver.listManagedInstances({ labels: { [TEST_LABEL]: 'true' } });
    expect(listed.map((instance) => instance.containerId)).not.toContain(foreign.id);
    expect(await driver.listManagedInstances({ appId: `app-${run}` })).not.toContainEqual(
      expect.objectContaining({ containerId: foreign.id }),
    );
    await expect(driver.removeInstance(name)).rejects.toThrow('No instance managed by Slipway');
    await expect(driver.stopInstance(foreign.id)).rejects.toThrow('No instance managed by Slipway');
    expect((await foreign.inspect()).State.Running).toBe(true);
  });

  it('names instances of one release started at the same time with distinct numbers and ports', async () => {
    const command = ['node', '-e', 'setInterval(() => {}, 1000)'];
    const [one, two] = await Promise.all([
      driver.startInstance(spec({ releaseId: `rel2-${run}`, command })),
      driver.startInstance(spec({ releaseId: `rel2-${run}`, command })),
    ]);
    const [first, second] = one.id < two.id ? [one, two] : [two, one];
    expect([first.id, second.id]).toEqual([
      `slipway-driver-test-${run}-rel2-${run}-1`,
      `slipway-driver-test-${run}-rel2-${run}-2`,
    ]);
    expect(first.hostPort).not.toBe(second.hostPort);
    const listed = await driver.listManagedInstances({ releaseId: `rel2-${run}` });
    expect(listed.map((instance) => instance.id).sort()).toEqual([first.id, second.id]);
    await Promise.all([driver.removeInstance(first.id), driver.removeInstance(second.id)]);
    expect(await driver.listManagedInstances({ releaseId: `rel2-${run}` })).toEqual([]);
  });
});
