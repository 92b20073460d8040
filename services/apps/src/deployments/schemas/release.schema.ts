import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { RELEASE_RECORD_STATES, ReleaseReason, ReleaseRecordState } from '@slipway/contracts';
import { HydratedDocument } from 'mongoose';

/** A release of an app: an image started with a revision of its env vars. Kept for rollback. */
@Schema({ collection: 'releases', timestamps: true, minimize: false })
export class Release {
  @Prop({ required: true, index: true })
  appId!: string;

  @Prop({ required: true })
  ownerId!: string;

  /** One release per deployment (unique), so a redelivered build result never releases twice. */
  @Prop({ required: true, unique: true })
  deploymentId!: string;

  @Prop({ required: true })
  image!: string;

  @Prop({ type: String, required: true })
  reason!: ReleaseReason;

  @Prop({ type: String, enum: RELEASE_RECORD_STATES, default: 'pending' })
  state!: ReleaseRecordState;

  @Prop({ type: String, default: null })
  commitSha!: string | null;

  @Prop({ type: Number, default: null })
  port!: number | null;

  @Prop({ type: Number, default: 0 })
  envRevision!: number;

  @Prop({ type: Date, default: null })
  liveAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export type ReleaseDocument = HydratedDocument<Release>;
export const ReleaseSchema = SchemaFactory.createForClass(Release);
