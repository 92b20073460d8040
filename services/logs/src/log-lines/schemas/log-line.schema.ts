import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { LOG_SOURCES, LogSource, LogStream } from '@slipway/contracts';
import { HydratedDocument } from 'mongoose';

@Schema({ collection: 'log_lines', timestamps: false })
export class LogLine {
  @Prop({ required: true })
  appId!: string;

  @Prop({ type: String, default: null })
  deploymentId!: string | null;

  @Prop({ type: String, required: true, enum: LOG_SOURCES })
  source!: LogSource;

  @Prop({ type: String, required: true, enum: ['stdout', 'stderr'] })
  stream!: LogStream;

  @Prop({ required: true })
  timestamp!: Date;

  @Prop({ required: true })
  text!: string;

  @Prop({ type: String, default: null })
  traceId!: string | null;

  /**
   * Unique per line (`event:<message id>` for lines written for an event), so a redelivered message
   * finds its line already stored and adds nothing.
   */
  @Prop({ required: true, unique: true })
  key!: string;
}

export type LogLineDocument = HydratedDocument<LogLine>;
export const LogLineSchema = SchemaFactory.createForClass(LogLine);
LogLineSchema.index({ appId: 1, timestamp: -1 });
