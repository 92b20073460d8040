import { Injectable } from '@nestjs/common';
import {
  Actor,
  DeleteEnvVarsRequest,
  EnvApplyMode,
  ENV_VARS_PER_APP_MAX,
  EnvVarListDto,
  ImportEnvVarsRequest,
  ListEnvVarsRequest,
  SetEnvVarsRequest,
} from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { toIsoString } from '@slipway/nest-mongo';
import { AppsService } from '../apps/apps.service';
import { AppDocument } from '../apps/schemas/app.schema';
import { DeploymentsService } from '../deployments/deployments.service';
import { parseDotenv } from './dotenv';
import { EnvVarStore } from './env-var.store';

/** An app's env vars: set, import, delete, list masked or revealed, and apply now or with the next deploy. */
@Injectable()
export class EnvVarsService {
  constructor(
    private readonly apps: AppsService,
    private readonly store: EnvVarStore,
    private readonly deployments: DeploymentsService,
  ) {}

  async list(request: ListEnvVarsRequest, applyDeploymentId: string | null = null): Promise<EnvVarListDto> {
    const app = await this.apps.findOwned(request.actor, request.appId);
    if (request.reveal && app.ownerId !== request.actor.userId) {
      throw new DomainError('VALIDATION', "Only the app's owner can reveal its env var values.");
    }
    const revealed = request.reveal ? new Set(request.names ?? []) : new Set<string>();
    const revealAll = request.reveal === true && !request.names;
    const vars = await this.store.list(app._id.toHexString());
    const release = await this.deployments.currentRelease(app);
    return {
      items: vars.map((envVar) => {
        const reveal = revealAll || revealed.has(envVar.name);
        return {
          name: envVar.name,
          value: reveal ? this.store.open(envVar) : null,
          masked: !reveal,
          updatedAt: toIsoString(envVar.updatedAt),
        };
      }),
      pendingUntilNextDeploy: release !== null && release.envRevision < (app.envRevision ?? 0),
      applyDeploymentId,
    };
  }

  async set(request: SetEnvVarsRequest): Promise<EnvVarListDto> {
    const app = await this.apps.findOwned(request.actor, request.appId);
    await this.ensureRoom(
      app,
      request.vars.map((envVar) => envVar.name),
    );
    await this.store.upsert(app._id.toHexString(), request.vars);
    return this.changed(app, request.actor, request.apply);
  }

  async import(request: ImportEnvVarsRequest): Promise<EnvVarListDto> {
    const app = await this.apps.findOwned(request.actor, request.appId);
    const parsed = parseDotenv(request.dotenv);
    if (parsed.problems.length > 0) {
      throw new DomainError(
        'VALIDATION',
        `The .env text has ${parsed.problems.length} unreadable line(s); nothing was imported.`,
        parsed.problems,
      );
    }
    if (parsed.vars.length === 0) throw new DomainError('VALIDATION', 'The .env text holds no variables.');
    await this.ensureRoom(
      app,
      parsed.vars.map((envVar) => envVar.name),
    );
    await this.store.upsert(app._id.toHexString(), parsed.vars);
    return this.changed(app, request.actor, request.apply);
  }

  async delete(request: DeleteEnvVarsRequest): Promise<EnvVarListDto> {
    const app = await this.apps.findOwned(request.actor, request.appId);
    const removed = await this.store.remove(app._id.toHexString(), request.names);
    if (removed === 0)
      throw DomainError.notFound(`App ${app.name} has none of the env vars ${request.names.join(', ')}.`);
    return this.changed(app, request.actor, request.apply);
  }

  private async ensureRoom(app: AppDocument, names: string[]): Promise<void> {
    const existing = new Set((await this.store.list(app._id.toHexString())).map((envVar) => envVar.name));
    const total = new Set([...existing, ...names]).size;
    if (total > ENV_VARS_PER_APP_MAX) {
      throw new DomainError(
        'VALIDATION',
        `An app can have at most ${ENV_VARS_PER_APP_MAX} env vars (this would make ${total}).`,
      );
    }
  }

  private async changed(app: AppDocument, actor: Actor, apply: EnvApplyMode): Promise<EnvVarListDto> {
    await this.apps.bumpEnvRevision(app._id.toHexString());
    const fresh = (await this.apps.findById(app._id.toHexString())) ?? app;
    const deploymentId = apply === 'now' ? await this.deployments.applyEnvChange(fresh, actor) : null;
    return this.list({ actor, appId: app._id.toHexString() }, deploymentId);
  }
}
