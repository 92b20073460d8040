import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ReleaseRequestedEvent } from '@slipway/contracts';
import { HydratedDocument, Schema as MongooseSchema } from 'mongoose';

export const RELEASE_STATUSES = ['starting', 'live', 'failed', 'retired'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

@Schema({ collection: 'releases', timestamps: true, minimize: false })
export class Release {
  @Prop({ required: true, unique: true })
  releaseId!: string;

  @Prop({ required: true, index: true })
  appId!: string;

  @Prop({ required: true })
  deploymentId!: string;

  /** The request as received; env values stay sealed. */
  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  request!: ReleaseRequestedEvent;

  @Prop({ type: String, required: true, enum: RELEASE_STATUSES })
  status!: ReleaseStatus;

  @Prop({ type: String, default: null })
  failureReason!: string | null;

  @Prop({ type: [String], default: [] })
  lastLogLines!: string[];

  @Prop({ type: Number, default: 0 })
  attempts!: number;

  @Prop({ type: Date, default: null })
  liveAt!: Date | null;
}

export type ReleaseDocument = HydratedDocument<Release>;
export const ReleaseSchema = SchemaFactory.createForClass(Release);
