import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/**
 * The last output line of an instance published to the logs pipeline: its time (ms) and how many published
 * lines had exactly that time. After a runtime restart, following resumes right after it: nothing written
 * while the runtime was down is lost, nothing is sent twice.
 *
 * Its own collection, written only by the log forwarder: FerretDB applies concurrent updates of one document
 * as whole-document writes, so saving this on the instance's record could undo a health change made at the
 * same moment (measured: 297 of 300 such pairs lost one update).
 */
@Schema({ collection: 'log_positions', minimize: false })
export class LogPosition {
  @Prop({ required: true, unique: true })
  instanceId!: string;

  @Prop({ required: true })
  ms!: number;

  @Prop({ required: true })
  count!: number;
}

export type LogPositionDocument = HydratedDocument<LogPosition>;
export const LogPositionSchema = SchemaFactory.createForClass(LogPosition);
