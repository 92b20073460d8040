import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  LOG_DISPLAYS,
  LOG_LEVELS,
  LOG_SOURCES,
  LogDisplay,
  LogLevel,
  LogSource,
  LogStream,
} from '@slipway/contracts';
import { HydratedDocument, Types } from 'mongoose';

/**
 * One stored log line. Lines read in (timestamp, seq, _id) order; `seq` numbers the lines of one
 * deployment and source, and is 0 for system lines written for events (they have no sequence).
 */
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

  @Prop({ type: String, default: null })
  stage!: string | null;

  @Prop({ type: String, default: null })
  instance!: string | null;

  @Prop({ required: true })
  timestamp!: Date;

  @Prop({ type: Number, required: true, default: 0 })
  seq!: number;

  @Prop({ type: String, default: null, enum: [...LOG_LEVELS, null] })
  level!: LogLevel | null;

  @Prop({ type: String, required: true, default: 'normal', enum: LOG_DISPLAYS })
  display!: LogDisplay;

  /** As received, ANSI colour codes included. */
  @Prop({ required: true })
  text!: string;

  /** `text` without ANSI codes: what text search looks at. */
  @Prop({ required: true })
  plain!: string;

  @Prop({ type: String, default: null })
  traceId!: string | null;

  /**
   * Unique per line, so a redelivered message adds nothing: `<deploymentId>:<source>:<seq>` for lines
   * from log batches, `event:<message id>` for lines written for an event.
   */
  @Prop({ required: true, unique: true })
  key!: string;
}

export type LogLineDocument = HydratedDocument<LogLine>;
export type StoredLogLine = LogLine & { _id: Types.ObjectId };
export const LogLineSchema = SchemaFactory.createForClass(LogLine);
// An app's lines in reading order (and retention by lines per app).
LogLineSchema.index({ appId: 1, timestamp: 1, seq: 1 });
// One deployment's lines, e.g. a build log.
LogLineSchema.index({ deploymentId: 1, source: 1, seq: 1 });
// Retention by age.
LogLineSchema.index({ timestamp: 1 });
