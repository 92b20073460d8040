import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppHooksDto,
  DeployHookRequest,
  GitHubWebhookRequest,
  SealedSecret,
  WebhookResultDto,
} from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { SecretBox } from '@slipway/nest-secrets';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import { AppsService } from '../apps/apps.service';
import { AppDocument } from '../apps/schemas/app.schema';
import { DeploymentsService, sourceProblems } from '../deployments/deployments.service';
import { branchOfRef, GitHubPushPayload, isValidGitHubSignature } from './github-signature';

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Deploys triggered over HTTP by other systems: the per-app deploy hook (a secret URL) and GitHub push
 * webhooks (HMAC-SHA256 with a per-app secret). Both secrets are sealed at rest and made on first use.
 */
@Injectable()
export class HooksService {
  constructor(
    private readonly apps: AppsService,
    private readonly deployments: DeploymentsService,
    private readonly secrets: SecretBox,
  ) {}

  async hooksOf(actor: Actor, appId: string): Promise<AppHooksDto> {
    const app = await this.apps.findOwned(actor, appId);
    if (!this.secrets.configured) {
      throw new DomainError('UNAVAILABLE', 'Hooks need a secrets key on the apps service (SECRETS_KEYS).');
    }
    const fields: { deployHookToken?: SealedSecret; githubWebhookSecret?: SealedSecret } = {};
    if (!app.deployHookToken)
      fields.deployHookToken = this.secrets.seal(randomBytes(24).toString('base64url'));
    if (!app.githubWebhookSecret)
      fields.githubWebhookSecret = this.secrets.seal(randomBytes(32).toString('hex'));
    if (Object.keys(fields).length > 0) await this.apps.setFields(appId, fields);
    const deployHookToken = fields.deployHookToken ?? app.deployHookToken;
    const githubWebhookSecret = fields.githubWebhookSecret ?? app.githubWebhookSecret;
    return {
      appId,
      deployHookToken: this.secrets.open(deployHookToken as SealedSecret),
      githubWebhookSecret: this.secrets.open(githubWebhookSecret as SealedSecret),
    };
  }

  async deployHook(request: DeployHookRequest): Promise<WebhookResultDto> {
    const app = await this.apps.findById(request.appId);
    // A wrong token looks exactly like an unknown app: the URL is the secret.
    if (!app?.deployHookToken || !sameSecret(this.secrets.open(app.deployHookToken), request.token)) {
      throw DomainError.notFound('No deploy hook at this address.');
    }
    const problems = sourceProblems(app, request.ref ? { ref: request.ref } : {});
    if (problems.length > 0)
      throw new DomainError('VALIDATION', `Cannot deploy: ${problems.join('; ')}`, problems);
    const deployment = await this.deployments.request({
      app,
      trigger: 'deploy-hook',
      requestedBy: 'deploy hook',
      idempotencyKey: `deploy-hook:${new Types.ObjectId().toHexString()}`,
      ...(request.ref ? { ref: request.ref } : {}),
    });
    return {
      outcome: 'deployed',
      reason: 'Deployment requested',
      deploymentId: deployment._id.toHexString(),
    };
  }

  async gitHub(request: GitHubWebhookRequest): Promise<WebhookResultDto> {
    const app = await this.apps.findById(request.appId);
    if (!app) throw DomainError.notFound('No webhook at this address.');
    const body = Buffer.from(request.bodyBase64, 'base64');
    if (!app.githubWebhookSecret) {
      return refused('This app has no GitHub webhook secret yet: read it from the app hooks endpoint first.');
    }
    if (!request.signature) return refused('The request is not signed (no X-Hub-Signature-256 header).');
    if (!isValidGitHubSignature(this.secrets.open(app.githubWebhookSecret), body, request.signature)) {
      return refused('The X-Hub-Signature-256 signature does not match this app’s webhook secret.');
    }
    if (request.event === 'ping') return ignored('pong: the webhook is set up');
    if (request.event !== 'push') return ignored(`${request.event} events do not deploy; only push does`);
    let push: GitHubPushPayload;
    try {
      push = JSON.parse(body.toString('utf8')) as GitHubPushPayload;
    } catch {
      throw new DomainError(
        'VALIDATION',
        'The push payload is not JSON (set the content type to application/json).',
      );
    }
    return this.onPush(app, push, request.deliveryId);
  }

  private async onPush(
    app: AppDocument,
    push: GitHubPushPayload,
    deliveryId: string,
  ): Promise<WebhookResultDto> {
    if (app.sourceKind !== 'git') return ignored(`app ${app.name} is not built from git`);
    const branch = branchOfRef(push.ref);
    if (!branch) return ignored(`${push.ref ?? 'the ref'} is not a branch`);
    if (branch !== app.branch) return ignored(`push to ${branch}; app ${app.name} deploys ${app.branch}`);
    if (push.deleted) return ignored(`branch ${branch} was deleted`);
    if (!app.autoDeploy) return ignored(`auto-deploy is off for app ${app.name}`);
    const sha = push.after && /^[0-9a-f]{40}$/.test(push.after) ? push.after : undefined;
    const deployment = await this.deployments.request({
      app,
      trigger: 'github-push',
      requestedBy: `github:${push.pusher?.name ?? 'unknown'}`,
      idempotencyKey: `github:${deliveryId}`,
      message: push.head_commit?.message?.split('\n')[0]?.slice(0, 500) ?? null,
      ref: sha ?? branch,
    });
    return { outcome: 'deployed', reason: `Push to ${branch}`, deploymentId: deployment._id.toHexString() };
  }
}

function refused(reason: string): WebhookResultDto {
  return { outcome: 'refused', reason, deploymentId: null };
}

function ignored(reason: string): WebhookResultDto {
  return { outcome: 'ignored', reason, deploymentId: null };
}
