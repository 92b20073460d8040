import { AppCreatedEvent, AppDto } from '@slipway/contracts';
import { toIsoString } from '@slipway/nest-mongo';
import { AppDocument } from './schemas/app.schema';

export function toAppDto(app: AppDocument): AppDto {
  return {
    id: app._id.toHexString(),
    name: app.name,
    sourceKind: app.sourceKind,
    repoUrl: app.repoUrl,
    branch: app.branch,
    image: app.image,
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
