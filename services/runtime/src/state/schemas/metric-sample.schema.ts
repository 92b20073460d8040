import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/** One instance's resource use averaged over a bucket (METRICS_BUCKET_MS): what charts read. */
@Schema({ collection: 'metric_samples', minimize: false })
export class MetricSample {
  @Prop({ required: true })
  appId!: string;

  @Prop({ required: true })
  instanceId!: string;

  @Prop({ required: true })
  at!: Date;

  @Prop({ required: true })
  cpuPercent!: number;

  @Prop({ required: true })
  memoryBytes!: number;

  @Prop({ required: true })
  memoryLimitBytes!: number;

  /** Totals since the instance started, at the end of the bucket. */
  @Prop({ required: true })
  networkRxBytes!: number;

  @Prop({ required: true })
  networkTxBytes!: number;
}

export type MetricSampleDocument = HydratedDocument<MetricSample>;
export const MetricSampleSchema = SchemaFactory.createForClass(MetricSample);
MetricSampleSchema.index({ appId: 1, at: 1 });
