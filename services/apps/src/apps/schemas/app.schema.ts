import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { APP_SOURCE_KINDS, AppSourceKind } from '@slipway/contracts';
import { HydratedDocument } from 'mongoose';

@Schema({ collection: 'apps', timestamps: true })
export class App {
  @Prop({ required: true, unique: true })
  name!: string;

  @Prop({ type: String, required: true, enum: APP_SOURCE_KINDS })
  sourceKind!: AppSourceKind;

  @Prop({ type: String, default: null })
  repoUrl!: string | null;

  @Prop({ type: String, default: null })
  branch!: string | null;

  @Prop({ type: String, default: null })
  image!: string | null;

  /** Set once `app.created.v1` is acknowledged by JetStream; until then the outbox relay retries it. */
  @Prop({ type: Date, default: null, index: true })
  createdEventPublishedAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export type AppDocument = HydratedDocument<App>;
export const AppSchema = SchemaFactory.createForClass(App);
