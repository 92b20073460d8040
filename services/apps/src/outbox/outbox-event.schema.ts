import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes } from 'mongoose';

/** An event the apps service owes the platform, stored before it is published (no transactions here). */
@Schema({ collection: 'outbox', timestamps: { createdAt: true, updatedAt: false }, minimize: false })
export class OutboxEvent {
  @Prop({ required: true })
  subject!: string;

  @Prop({ type: SchemaTypes.Mixed, required: true })
  payload!: Record<string, unknown>;

  @Prop({ required: true, unique: true })
  messageId!: string;

  @Prop({ type: Date, default: null, index: true })
  publishedAt!: Date | null;

  createdAt!: Date;
}

export type OutboxEventDocument = HydratedDocument<OutboxEvent>;
export const OutboxEventSchema = SchemaFactory.createForClass(OutboxEvent);
