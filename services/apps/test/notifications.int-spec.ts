import {
  AppDto,
  DeploymentDto,
  EventSubjects,
  NotificationPayload,
  NotificationWebhookDto,
  NotificationWebhookListDto,
} from '@slipway/contracts';
import { waitFor } from '@slipway/testing';
import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppsHarness, appName, rpcError, userActor } from './apps-harness';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiving endpoint that answers 500 to the first `failures` requests, then 200. */
async function receiver(failures: number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = received.length <= failures ? 500 : 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

// Outgoing notifications: a signed JSON message per settled deployment, retried with backoff.
describe('apps: deployment notifications', () => {
  let apps: AppsHarness;
  const owner = userActor();
  const servers: Server[] = [];

  beforeAll(async () => {
    apps = await AppsHarness.start({ NOTIFICATION_RETRY_BASE_MS: '200', NOTIFICATION_MAX_ATTEMPTS: '3' });
  }, 180_000);

  afterAll(async () => {
    for (const server of servers) server.close();
    await apps?.stop();
  }, 60_000);

  it('posts a signed, Slack-compatible message when a deployment goes live, retrying until it is accepted', async () => {
    const target = await receiver(2);
    servers.push(target.server);
    const app = await apps.rpc<AppDto>('rpc.apps.create', {
      actor: owner,
      name: appName('notify'),
      repoUrl: 'https://git.example.com/a/b.git',
    });
    const webhook = await apps.rpc<NotificationWebhookDto>('rpc.apps.notifications.add', {
      actor: owner,
      appId: app.id,
      url: target.url,
    });
    expect(webhook.secret).toMatch(/^[0-9a-f]{64}$/);

    const deployment = await apps.rpc<DeploymentDto>('rpc.deployments.create', {
      actor: owner,
      appId: app.id,
    });
    await apps.buildRequested(deployment.id);
    await apps.buildSucceeds({ deploymentId: deployment.id, appId: app.id, appName: app.name });
    await apps.releaseLive(await apps.releaseRequested(deployment.id));

    await waitFor(() => target.received.length === 3, {
      timeoutMs: 15_000,
      description: 'two failed attempts and a delivery',
    });
    const [first, , last] = target.received;
    expect(last?.body).toBe(first?.body);
    expect(last?.headers['x-slipway-delivery']).toBe(first?.headers['x-slipway-delivery']);
    expect(last?.headers['x-slipway-signature-256']).toBe(
      `sha256=${createHmac('sha256', webhook.secret ?? '')
        .update(last?.body ?? '')
        .digest('hex')}`,
    );
    const payload = JSON.parse(last?.body ?? '{}') as NotificationPayload;
    expect(payload).toMatchObject({
      event: 'deployment.succeeded',
      text: `${app.name}: deployment ${deployment.id} (aaaaaaa) is live at http://${app.name}.apps.test`,
      app: { id: app.id, name: app.name },
      deployment: { id: deployment.id, state: 'running', url: `http://${app.name}.apps.test` },
    });
    const listed = await waitFor(
      async () => {
        const list = await apps.rpc<NotificationWebhookListDto>('rpc.apps.notifications.list', {
          actor: owner,
          appId: app.id,
        });
        return list.items[0]?.lastDelivery?.state === 'delivered' ? list : undefined;
      },
      { timeoutMs: 5000, description: 'the webhook to show the delivery' },
    );
    expect(listed.items[0]).toMatchObject({
      url: target.url,
      lastDelivery: { detail: 'delivered on attempt 3' },
    });
    expect(listed.items[0]?.secret).toBeUndefined();
  });

  it('reports a failed deployment and gives up on an endpoint that never accepts', async () => {
    const target = await receiver(100);
    servers.push(target.server);
    const app = await apps.rpc<AppDto>('rpc.apps.create', {
      actor: owner,
      name: appName('notify'),
      repoUrl: 'https://git.example.com/a/b.git',
    });
    await apps.rpc('rpc.apps.notifications.add', { actor: owner, appId: app.id, url: target.url });
    const deployment = await apps.rpc<DeploymentDto>('rpc.deployments.create', {
      actor: owner,
      appId: app.id,
    });
    await apps.buildRequested(deployment.id);
    await apps.publish(EventSubjects.BuildFailed, {
      deploymentId: deployment.id,
      appId: app.id,
      stage: 'build',
      reason: 'npm run build exited with code 2',
      logTail: [],
      occurredAt: new Date().toISOString(),
    });
    await waitFor(() => target.received.length === 3, { timeoutMs: 15_000, description: 'three attempts' });
    expect(JSON.parse(target.received[0]?.body ?? '{}')).toMatchObject({
      event: 'deployment.failed',
      text: `${app.name}: deployment ${deployment.id} failed: npm run build exited with code 2`,
    });
    const list = await waitFor(
      async () => {
        const current = await apps.rpc<NotificationWebhookListDto>('rpc.apps.notifications.list', {
          actor: owner,
          appId: app.id,
        });
        return current.items[0]?.lastDelivery?.state === 'failed' ? current : undefined;
      },
      { timeoutMs: 5000, description: 'the webhook to show the failure' },
    );
    expect(list.items[0]?.lastDelivery?.detail).toBe('gave up after 3 attempts: HTTP 500');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(target.received).toHaveLength(3);
  });

  it("refuses bad URLs and another user's app", async () => {
    const app = await apps.rpc<AppDto>('rpc.apps.create', {
      actor: owner,
      name: appName('notify'),
      repoUrl: 'https://git.example.com/a/b.git',
    });
    expect(
      (
        await rpcError(
          apps.rpc('rpc.apps.notifications.add', { actor: owner, appId: app.id, url: 'ftp://x' }),
        )
      ).details,
    ).toEqual(['url must be an http or https URL']);
    expect(
      (
        await rpcError(
          apps.rpc('rpc.apps.notifications.add', {
            actor: userActor(),
            appId: app.id,
            url: 'https://example.com',
          }),
        )
      ).code,
    ).toBe('NOT_FOUND');
  });
});
