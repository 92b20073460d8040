import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { InstanceHealth } from '@slipway/contracts';
import { HydratedDocument } from 'mongoose';

/**
 * One container the runtime started and still answers for. Instances being replaced are marked `draining`
 * or `stopped` before they are stopped, so their exit is never mistaken for a crash.
 */
@Schema({ collection: 'instances', timestamps: true, minimize: false })
export class Instance {
  /** The container's name. */
  @Prop({ required: true, unique: true })
  instanceId!: string;

  @Prop({ required: true, index: true })
  appId!: string;

  @Prop({ required: true })
  releaseId!: string;

  @Prop({ required: true })
  deploymentId!: string;

  @Prop({ required: true })
  containerId!: string;

  @Prop({ required: true })
  hostPort!: number;

  @Prop({ required: true })
  address!: string;

  @Prop({ type: String, required: true })
  health!: InstanceHealth;

  @Prop({ type: Number, default: 0 })
  restartCount!: number;

  @Prop({ type: Number, default: null })
  exitCode!: number | null;

  @Prop({ type: [Date], default: [] })
  crashTimes!: Date[];

  @Prop({ type: Date, default: null })
  startedAt!: Date | null;
}

export type InstanceDocument = HydratedDocument<Instance>;
export const InstanceSchema = SchemaFactory.createForClass(Instance);
