import {
  Actor,
  BuildRequestedEvent,
  DeploymentDto,
  EventSubjects,
  ReleaseRequestedEvent,
  ServiceName,
} from '@slipway/contracts';
import { nestRpcRequest, Platform, startPlatform, waitFor } from '@slipway/testing';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';

const codec = JSONCodec<unknown>();

export const SECRETS_KEY_A = randomBytes(32).toString('base64');

export interface Observed {
  subject: string;
  payload: Record<string, unknown>;
  messageId: string | undefined;
}

export function userActor(): Actor {
  return { userId: `user-${randomBytes(4).toString('hex')}`, role: 'user' };
}

export const ADMIN: Actor = { userId: 'admin-1', role: 'admin' };

export function appName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** The RPC error body a failed request carried ({ code, message, details }). */
export async function rpcError(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; details?: string[] }> {
  try {
    await promise;
  } catch (error) {
    return (error as { body: { code: string; message: string; details?: string[] } }).body;
  }
  throw new Error('expected the request to fail');
}

/**
 * The apps service running for real (own process, NATS + FerretDB), and a test's stand-in for the builder
 * and the runtime: it sees every event the apps service publishes and publishes their answers.
 */
export class AppsHarness {
  readonly seen: Observed[] = [];

  private constructor(
    readonly platform: Platform,
    private readonly nats: NatsConnection,
  ) {}

  static async start(
    env: Record<string, string> = {},
    services: ServiceName[] = ['apps'],
  ): Promise<AppsHarness> {
    const platform = await startPlatform({
      services,
      env: {
        SECRETS_KEYS: `a:${SECRETS_KEY_A}`,
        DEPLOYMENT_SWEEP_INTERVAL_MS: '300',
        OUTBOX_RELAY_INTERVAL_MS: '500',
        ...env,
      },
    });
    const nats = await connect({ servers: platform.nats.url });
    const harness = new AppsHarness(platform, nats);
    for (const subject of ['app.>', 'build.>', 'release.>', 'deployment.>', 'parked.>']) {
      nats.subscribe(subject, {
        callback: (_error, message) => {
          harness.seen.push({
            subject: message.subject,
            payload: codec.decode(message.data) as Record<string, unknown>,
            messageId: message.headers?.get('Nats-Msg-Id'),
          });
        },
      });
    }
    return harness;
  }

  rpc<T>(subject: string, data: object): Promise<T> {
    return nestRpcRequest<T>(this.platform.nats.url, subject, data, 10_000);
  }

  async publish(subject: string, payload: object, messageId?: string): Promise<void> {
    await this.nats
      .jetstream()
      .publish(subject, codec.encode(payload), messageId ? { msgID: messageId } : {});
  }

  /**
   * Events seen on a subject, once per message id: a republished event (at-least-once publication) reaches
   * core subscribers again, while JetStream stores it once and consumers see it once.
   */
  events(subject: string, match: (payload: Record<string, unknown>) => boolean = () => true): Observed[] {
    const ids = new Set<string>();
    return this.seen.filter((event) => {
      if (event.subject !== subject || !match(event.payload)) return false;
      if (event.messageId === undefined) return true;
      if (ids.has(event.messageId)) return false;
      ids.add(event.messageId);
      return true;
    });
  }

  async waitForEvent(
    subject: string,
    match: (payload: Record<string, unknown>) => boolean,
    description: string,
  ): Promise<Observed> {
    return waitFor(() => this.events(subject, match)[0], { timeoutMs: 20_000, description });
  }

  async buildRequested(deploymentId: string): Promise<BuildRequestedEvent> {
    const event = await this.waitForEvent(
      EventSubjects.BuildRequested,
      (payload) => payload['deploymentId'] === deploymentId,
      `build.requested.v1 for ${deploymentId}`,
    );
    return event.payload as unknown as BuildRequestedEvent;
  }

  async releaseRequested(deploymentId: string): Promise<ReleaseRequestedEvent> {
    const event = await this.waitForEvent(
      EventSubjects.ReleaseRequested,
      (payload) => payload['deploymentId'] === deploymentId,
      `release.requested.v1 for ${deploymentId}`,
    );
    return event.payload as unknown as ReleaseRequestedEvent;
  }

  async buildProgresses(
    request: { deploymentId: string; appId: string },
    stage: string,
    percent: number,
  ): Promise<void> {
    await this.publish(EventSubjects.BuildProgressed, {
      deploymentId: request.deploymentId,
      appId: request.appId,
      stage,
      percent,
      occurredAt: new Date().toISOString(),
    });
  }

  /** What the builder publishes for a successful build of this deployment (progress, then the result). */
  async buildSucceeds(
    request: { deploymentId: string; appId: string; appName: string },
    commitSha = 'a'.repeat(40),
  ): Promise<void> {
    const at = () => new Date().toISOString();
    await this.buildProgresses(request, 'clone', 10);
    await this.buildProgresses(request, 'install', 40);
    await this.publish(EventSubjects.BuildSucceeded, {
      deploymentId: request.deploymentId,
      appId: request.appId,
      imageTag: `slipway/${request.appName}:${request.deploymentId}`,
      imageId: `sha256:${'b'.repeat(64)}`,
      sizeBytes: 1234,
      commitSha,
      commitMessage: 'Serve a greeting',
      detection: { stack: 'node', reasons: ['found package.json'], port: 3000 },
      dependencyCacheHit: false,
      timings: [{ stage: 'clone', durationMs: 10 }],
      totalMs: 100,
      occurredAt: at(),
    });
  }

  /** What the runtime publishes when a release went live. */
  async releaseLive(release: ReleaseRequestedEvent): Promise<void> {
    await this.publish(EventSubjects.ReleaseLive, {
      releaseId: release.releaseId,
      deploymentId: release.deploymentId,
      appId: release.appId,
      url: `http://${release.appName}.apps.test`,
      replicas: release.replicas,
      timings: { startMs: 10, healthyMs: 20, switchMs: 1 },
      occurredAt: new Date().toISOString(),
    });
  }

  async deploymentIn(
    actor: Actor,
    deploymentId: string,
    state: string,
    timeoutMs = 30_000,
  ): Promise<DeploymentDto> {
    return waitFor(
      async () => {
        const deployment = await this.rpc<DeploymentDto>('rpc.deployments.get', { actor, deploymentId });
        if (deployment.state !== state) {
          throw new Error(`it is ${deployment.state}: ${JSON.stringify(deployment.transitions)}`);
        }
        return deployment;
      },
      { timeoutMs, intervalMs: 150, description: `deployment ${deploymentId} to be ${state}` },
    );
  }

  async stop(): Promise<void> {
    await this.nats.drain();
    await this.platform.stop();
  }
}
