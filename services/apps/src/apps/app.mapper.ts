import { AppCreatedEvent, AppDto, DEFAULT_HEALTH_CHECK } from '@slipway/contracts';
import { toIsoString } from '@slipway/nest-mongo';
import { AppDocument } from './schemas/app.schema';

export function toAppDto(app: AppDocument): AppDto {
  return {
    id: app._id.toHexString(),
    name: app.name,
    ownerId: app.ownerId,
    sourceKind: app.sourceKind,
    repoUrl: app.repoUrl,
    branch: app.branch,
    image: app.image,
    rootDirectory: app.rootDirectory ?? null,
    installCommand: app.installCommand ?? null,
    buildCommand: app.buildCommand ?? null,
    startCommand: app.startCommand ?? null,
    port: app.port ?? null,
    healthCheck: app.healthCheck ?? DEFAULT_HEALTH_CHECK,
    plan: app.plan ?? 'starter',
    region: app.region ?? 'local',
    framework: app.framework ?? null,
    domains: app.domains ?? [],
    autoDeploy: app.autoDeploy ?? false,
    database: { enabled: app.database?.enabled ?? false, type: app.database?.type ?? null },
    replicas: app.replicas ?? 1,
    desiredState: app.desiredState ?? 'running',
    currentDeploymentId: app.currentDeploymentId ?? null,
    url: app.url ?? null,
    createdAt: toIsoString(app.createdAt),
    updatedAt: toIsoString(app.updatedAt),
  };
}

export function toAppCreatedEvent(app: AppDocument): AppCreatedEvent {
  return { appId: app._id.toHexString(), name: app.name, occurredAt: toIsoString(app.createdAt) };
}

/** Stable per app, so a republished `app.created.v1` is dropped by JetStream as a duplicate. */
export function appCreatedMessageId(app: AppDocument): string {
  return `app.created:${app._id.toHexString()}`;
}
