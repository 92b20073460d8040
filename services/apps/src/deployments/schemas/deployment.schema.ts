import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  DEPLOYMENT_STATES,
  DEPLOYMENT_TRIGGERS,
  DeploymentState,
  DeploymentTransitionDto,
  DeploymentTrigger,
} from '@slipway/contracts';
import { HydratedDocument, SchemaTypes } from 'mongoose';
import { PendingEvent } from '../../outbox/outbox.service';

export interface DeploymentSource {
  kind: 'git' | 'image' | 'archive' | 'release';
  repoUrl: string | null;
  ref: string | null;
  image: string | null;
  archiveObject: string | null;
}

export interface DeploymentProgress {
  stage: string | null;
  percent: number | null;
  queuePosition: number | null;
  message: string | null;
}

/**
 * One deployment and its whole history. Every state change is one conditional update (on `revision`) that
 * also appends the events it owes to `pendingEvents`, so a change and its events are stored together
 * (FerretDB has no transactions); they are published afterwards and by the sweeper if that failed.
 */
@Schema({ collection: 'deployments', timestamps: true, minimize: false })
export class Deployment {
  @Prop({ required: true, index: true })
  appId!: string;

  @Prop({ required: true, index: true })
  ownerId!: string;

  @Prop({ required: true })
  appName!: string;

  @Prop({ type: String, required: true, enum: DEPLOYMENT_STATES, index: true })
  state!: DeploymentState;

  @Prop({ type: String, required: true, enum: DEPLOYMENT_TRIGGERS })
  trigger!: DeploymentTrigger;

  @Prop({ required: true })
  requestedBy!: string;

  @Prop({ type: String, default: null })
  message!: string | null;

  /** A repeated key finds this deployment instead of creating another (unique). */
  @Prop({ required: true, unique: true })
  idempotencyKey!: string;

  @Prop({ type: SchemaTypes.Mixed, required: true })
  source!: DeploymentSource;

  @Prop({ type: String, default: null })
  rollbackOfReleaseId!: string | null;

  @Prop({ type: String, default: null })
  commitSha!: string | null;

  @Prop({ type: String, default: null })
  commitMessage!: string | null;

  @Prop({ type: String, default: null })
  imageTag!: string | null;

  @Prop({ type: Number, default: null })
  detectedPort!: number | null;

  @Prop({ type: String, default: null })
  releaseId!: string | null;

  @Prop({ type: String, default: null })
  url!: string | null;

  @Prop({ type: String, default: null })
  reason!: string | null;

  @Prop({ type: [String], default: [] })
  logTail!: string[];

  @Prop({
    type: SchemaTypes.Mixed,
    default: () => ({ stage: null, percent: null, queuePosition: null, message: null }),
  })
  progress!: DeploymentProgress;

  @Prop({ type: [SchemaTypes.Mixed], default: [] })
  transitions!: DeploymentTransitionDto[];

  /** Incremented by every state change; the condition of the next one. */
  @Prop({ type: Number, default: 0 })
  revision!: number;

  /** When its build (or release, for rollbacks and env changes) was requested; null while it waits. */
  @Prop({ type: Date, default: null })
  dispatchedAt!: Date | null;

  /** It fails when still in this state at this time. */
  @Prop({ type: Date, default: null, index: true })
  deadlineAt!: Date | null;

  @Prop({ type: Date, default: null })
  finishedAt!: Date | null;

  @Prop({ type: [SchemaTypes.Mixed], default: [] })
  pendingEvents!: PendingEvent[];

  @Prop({ type: Boolean, default: false, index: true })
  hasPendingEvents!: boolean;

  createdAt!: Date;
  updatedAt!: Date;
}

export type DeploymentDocument = HydratedDocument<Deployment>;
export const DeploymentSchema = SchemaFactory.createForClass(Deployment);
DeploymentSchema.index({ appId: 1, state: 1 });
