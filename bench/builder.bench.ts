import { BuildDto, BuildRequestedEvent, EventSubjects, QuerySubjects } from '@slipway/contracts';
import { makeTempDir, nestRpcRequest, startPlatform, waitFor } from '@slipway/testing';
import { connect, JSONCodec } from 'nats';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DOCKERIGNORE } from '../services/builder/src/detection/dockerignore';
import { percentile } from './stats';

const ROUNDS = 7;
const FIXTURE = join(__dirname, '..', 'services', 'builder', 'test', 'fixtures', 'node-npm');
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const codec = JSONCodec<unknown>();

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();
}

/** A fresh repository of the small Node fixture whose package.json no earlier build has seen (cold cache). */
async function coldRepo(): Promise<string> {
  const dir = await makeTempDir('slipway-bench-repo-');
  cpSync(FIXTURE, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ ...manifest, description: `bench ${randomBytes(6).toString('hex')}` }),
  );
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'bench');
  return dir;
}

/**
 * Builder overhead: a cold build and a no-change rebuild of a small Node app through the builder service,
 * against the same `git clone` + `docker build` run directly: classic builder, the same Dockerfile and
 * `.dockerignore` as the builder's context, the same limits, one LABEL step each. Both cold builds of a round
 * run back to back, in alternating order, and each round's ratio is printed, since the npm registry and the
 * shared machine make single builds vary by seconds.
 */
export async function benchBuilder(): Promise<void> {
  const platform = await startPlatform({
    services: ['builder'],
    env: {
      ALLOW_LOCAL_SOURCES: 'true',
      BASE_IMAGE_NODE: 'slipway-local/node:20-bookworm',
      EXTRA_CA_BUNDLE: CA_BUNDLE,
      BUILD_WORK_DIR: await makeTempDir('slipway-bench-builds-'),
    },
  });
  const nats = await connect({ servers: platform.nats.url });
  const finished = new Map<string, { ok: boolean; at: number; reason?: string }>();
  nats.subscribe('build.>', {
    callback: (_error, message) => {
      const event = codec.decode(message.data) as { deploymentId: string; reason?: string };
      if (message.subject === EventSubjects.BuildSucceeded)
        finished.set(event.deploymentId, { ok: true, at: performance.now() });
      if (message.subject === EventSubjects.BuildFailed)
        finished.set(event.deploymentId, { ok: false, at: performance.now(), reason: event.reason });
    },
  });
  const images: string[] = [];

  const throughBuilder = async (repoDir: string): Promise<{ ms: number; record: BuildDto }> => {
    const deploymentId = randomBytes(12).toString('hex');
    const request: BuildRequestedEvent = {
      deploymentId,
      appId: 'bench-app',
      appName: 'bench-app',
      source: { kind: 'git', repoUrl: `file://${repoDir}` },
      settings: {},
      requestedAt: new Date().toISOString(),
    };
    const started = performance.now();
    await nats
      .jetstream()
      .publish(EventSubjects.BuildRequested, codec.encode(request), { msgID: deploymentId });
    const result = await waitFor(() => finished.get(deploymentId), {
      timeoutMs: 300_000,
      intervalMs: 5,
      description: 'build',
    });
    if (!result.ok) throw new Error(`bench build failed: ${result.reason}`);
    const record = await nestRpcRequest<BuildDto>(platform.nats.url, QuerySubjects.BuildsGet, {
      deploymentId,
    });
    images.push(record.imageTag ?? '');
    return { ms: result.at - started, record };
  };

  const direct = async (repoDir: string, dockerfile: string): Promise<number> => {
    const started = performance.now();
    const work = await makeTempDir('slipway-bench-direct-');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repoDir}`, work]);
    mkdirSync(join(work, '.slipway'), { recursive: true });
    writeFileSync(join(work, '.slipway', 'Dockerfile'), dockerfile);
    copyFileSync(CA_BUNDLE, join(work, '.slipway', 'ca.crt'));
    // The .dockerignore the builder writes for a repository without one (the generated Dockerfile is left out).
    writeFileSync(join(work, '.dockerignore'), DEFAULT_DOCKERIGNORE);
    const tag = `slipway-bench/direct:${randomBytes(4).toString('hex')}`;
    // The same resource limits the builder applies to its builds (BUILD_MEMORY_MB, BUILD_CPU_PERCENT defaults).
    const limits = [
      '--memory',
      '2048m',
      '--memory-swap',
      '2048m',
      '--cpu-period',
      '100000',
      '--cpu-quota',
      '150000',
    ];
    execFileSync(
      'docker',
      [
        // Not quiet: like the builder, the client receives every output line.
        'build',
        ...limits,
        '-f',
        '.slipway/Dockerfile',
        '-t',
        tag,
        '--label',
        'io.slipway.test=true',
        '.',
      ],
      {
        cwd: work,
        env: { ...process.env, DOCKER_BUILDKIT: '0' },
        stdio: 'ignore',
      },
    );
    const ms = performance.now() - started;
    images.push(tag);
    return ms;
  };

  try {
    const builderCold: number[] = [];
    const directCold: number[] = [];
    const rebuild: number[] = [];
    const stageTimes = new Map<string, number[]>();
    const recordStages = (record: BuildDto) => {
      for (const timing of record.timings) {
        stageTimes.set(timing.stage, [...(stageTimes.get(timing.stage) ?? []), timing.durationMs]);
      }
    };
    // An untimed warm-up build (a just-started service compiles its code paths on first use); its record
    // gives the Dockerfile the builder generates for the fixture, which the direct builds use.
    const dockerfile = (await throughBuilder(await coldRepo())).record.dockerfile ?? '';
    for (let round = 0; round < ROUNDS; round += 1) {
      const [builderRepo, directRepo] = [await coldRepo(), await coldRepo()];
      const builderFirst = round % 2 === 0;
      if (!builderFirst) directCold.push(await direct(directRepo, dockerfile));
      const cold = await throughBuilder(builderRepo);
      builderCold.push(cold.ms);
      recordStages(cold.record);
      if (builderFirst) directCold.push(await direct(directRepo, dockerfile));
      rebuild.push((await throughBuilder(builderRepo)).ms);
    }
    const median = (values: number[]) => percentile(values, 50);
    const overhead = (median(builderCold) / median(directCold) - 1) * 100;
    const roundRatios = builderCold.map((ms, round) => ms / (directCold[round] ?? ms));
    console.log(
      `builder, cold build of a small Node app (npm ci from the registry): median ${(median(builderCold) / 1000).toFixed(2)} s  [${builderCold.map((ms) => (ms / 1000).toFixed(2)).join(', ')}]`,
    );
    console.log(
      `git clone + docker build directly, cold:                          median ${(median(directCold) / 1000).toFixed(2)} s  [${directCold.map((ms) => (ms / 1000).toFixed(2)).join(', ')}]`,
    );
    console.log(
      `builder overhead, cold: ${overhead.toFixed(1)}% = ${(median(builderCold) - median(directCold)).toFixed(0)} ms (ratio ${(median(builderCold) / median(directCold)).toFixed(3)}; target ≤ 10%)`,
    );
    console.log(
      `per-round ratio builder/direct: median ${median(roundRatios).toFixed(3)}  [${roundRatios.map((ratio) => ratio.toFixed(3)).join(', ')}]`,
    );
    console.log(
      `builder cold stages (median ms): ${[...stageTimes].map(([stage, values]) => `${stage} ${median(values).toFixed(0)}`).join(', ')}`,
    );
    console.log(
      `builder, no-change rebuild: median ${(median(rebuild) / 1000).toFixed(2)} s  [${rebuild.map((ms) => (ms / 1000).toFixed(2)).join(', ')}] (target < 2 s)`,
    );
  } finally {
    await nats.drain();
    await platform.stop();
    for (const image of images) execFileSync('docker', ['rmi', '-f', image], { stdio: 'ignore' });
  }
}
