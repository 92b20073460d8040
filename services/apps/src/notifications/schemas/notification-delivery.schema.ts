import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { NotificationPayload } from '@slipway/contracts';
import { HydratedDocument, SchemaTypes } from 'mongoose';

/** One message owed to one webhook, retried with backoff until delivered or given up. */
@Schema({ collection: 'notification_deliveries', timestamps: true, minimize: false })
export class NotificationDelivery {
  /** `<deploymentId>:<event>:<webhookId>`: a settled deployment notifies each webhook once. */
  @Prop({ required: true, unique: true })
  deliveryId!: string;

  @Prop({ required: true, index: true })
  webhookId!: string;

  @Prop({ required: true })
  appId!: string;

  @Prop({ type: SchemaTypes.Mixed, required: true })
  payload!: NotificationPayload;

  @Prop({ type: String, default: 'pending', index: true })
  state!: 'pending' | 'delivered' | 'failed';

  @Prop({ type: Number, default: 0 })
  attempts!: number;

  @Prop({ type: Date, required: true, index: true })
  nextAttemptAt!: Date;

  @Prop({ type: String, default: null })
  lastError!: string | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export type NotificationDeliveryDocument = HydratedDocument<NotificationDelivery>;
export const NotificationDeliverySchema = SchemaFactory.createForClass(NotificationDelivery);
