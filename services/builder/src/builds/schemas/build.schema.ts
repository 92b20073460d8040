import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  BUILD_STAGES,
  BUILD_STATUSES,
  BuildRequestedEvent,
  BuildStage,
  BuildStatus,
  DetectedStack,
} from '@slipway/contracts';
import { HydratedDocument, Schema as MongooseSchema } from 'mongoose';

// minimize: false keeps empty objects (a request with no settings has `settings: {}`).
@Schema({ collection: 'builds', timestamps: true, minimize: false })
export class Build {
  /** The build of a deployment; one per deployment. */
  @Prop({ required: true, unique: true })
  deploymentId!: string;

  @Prop({ required: true, index: true })
  appId!: string;

  @Prop({ required: true })
  appName!: string;

  @Prop({ type: String, required: true, enum: BUILD_STATUSES, index: true })
  status!: BuildStatus;

  @Prop({ type: String, required: true, enum: BUILD_STAGES })
  stage!: BuildStage;

  /** The request as received (the access token stays sealed). */
  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  request!: BuildRequestedEvent;

  @Prop({ type: Number, default: 0 })
  attempts!: number;

  @Prop({ type: Boolean, default: false })
  cancelRequested!: boolean;

  @Prop({ type: String, default: null })
  commitSha!: string | null;

  @Prop({ type: String, default: null })
  commitMessage!: string | null;

  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  detection!: { stack: DetectedStack; reasons: string[]; port: number | null } | null;

  @Prop({ type: String, default: null })
  dockerfile!: string | null;

  @Prop({ type: String, default: null })
  imageTag!: string | null;

  @Prop({ type: String, default: null })
  imageId!: string | null;

  @Prop({ type: Number, default: null })
  sizeBytes!: number | null;

  @Prop({ type: Boolean, default: null })
  dependencyCacheHit!: boolean | null;

  @Prop({ type: [{ stage: String, durationMs: Number, _id: false }], default: [] })
  timings!: Array<{ stage: BuildStage; durationMs: number }>;

  @Prop({ type: String, default: null })
  failureReason!: string | null;

  @Prop({ type: [String], default: [] })
  logTail!: string[];

  @Prop({ required: true })
  queuedAt!: Date;

  @Prop({ type: Date, default: null })
  startedAt!: Date | null;

  @Prop({ type: Date, default: null })
  finishedAt!: Date | null;
}

export type BuildDocument = HydratedDocument<Build>;
export const BuildSchema = SchemaFactory.createForClass(Build);
BuildSchema.index({ status: 1, queuedAt: 1 });
