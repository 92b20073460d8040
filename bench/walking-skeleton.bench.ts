import { LogPageDto } from '@slipway/contracts';
import { signUp, startPlatform } from '@slipway/testing';
import { randomBytes } from 'node:crypto';
import { summary } from './stats';

const APPS = 200;
const POLL_MS = 5;

/**
 * The walking skeleton's latencies on this machine: how long `POST /api/v1/apps` takes (gateway → NATS
 * → apps → database → JetStream ack), and how long until the logs service has stored the system line
 * for the new app (JetStream → logs → its database → visible through the gateway).
 */
export async function benchWalkingSkeleton(): Promise<void> {
  const startedAt = performance.now();
  // The per-caller rate limit would throttle the 5 ms polling below: this measures latency, not limits.
  const platform = await startPlatform({
    services: ['gateway', 'apps', 'logs'],
    env: { RATE_LIMIT_API_PER_MINUTE: '0' },
  });
  console.log(
    `platform (gateway, apps, logs + NATS, FerretDB, Caddy) ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  try {
    const user = await signUp(platform.gatewayUrl);
    const createMs: number[] = [];
    const visibleMs: number[] = [];
    const prefix = randomBytes(2).toString('hex');
    for (let index = 0; index < APPS; index += 1) {
      const sent = performance.now();
      const response = await fetch(`${platform.gatewayUrl}/api/v1/apps`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...user.headers },
        body: JSON.stringify({ name: `bench-${prefix}-${index}`, image: 'nginx:1.27' }),
      });
      if (response.status !== 201)
        throw new Error(`create failed: ${response.status} ${await response.text()}`);
      const { id } = (await response.json()) as { id: string };
      createMs.push(performance.now() - sent);
      for (;;) {
        const page = (await (
          await fetch(`${platform.gatewayUrl}/api/v1/apps/${id}/logs`, { headers: user.headers })
        ).json()) as LogPageDto;
        if (page.items.length > 0) break;
        if (performance.now() - sent > 10_000) throw new Error(`no log line for ${id} after 10 s`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      visibleMs.push(performance.now() - sent);
    }
    console.log(summary('POST /api/v1/apps', createMs));
    console.log(summary('create → system log line visible via API', visibleMs));
  } finally {
    await platform.stop();
  }
}
