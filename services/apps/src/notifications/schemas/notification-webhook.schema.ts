import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SealedSecret } from '@slipway/contracts';
import { HydratedDocument, SchemaTypes } from 'mongoose';

export interface LastDelivery {
  state: 'delivered' | 'retrying' | 'failed';
  detail: string;
  at: string;
}

/** Where an app's deployment outcomes are POSTed, and the key that signs them (sealed). */
@Schema({ collection: 'notification_webhooks', timestamps: true, minimize: false })
export class NotificationWebhook {
  @Prop({ required: true, index: true })
  appId!: string;

  @Prop({ required: true })
  url!: string;

  @Prop({ type: SchemaTypes.Mixed, required: true })
  secret!: SealedSecret;

  @Prop({ type: SchemaTypes.Mixed, default: null })
  lastDelivery!: LastDelivery | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export type NotificationWebhookDocument = HydratedDocument<NotificationWebhook>;
export const NotificationWebhookSchema = SchemaFactory.createForClass(NotificationWebhook);
