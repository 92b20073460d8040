import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SealedSecret } from '@slipway/contracts';
import { HydratedDocument, SchemaTypes } from 'mongoose';

/** One env var of one app. The value is sealed (AES-256-GCM); `value.keyId` names the key it needs. */
@Schema({ collection: 'env_vars', timestamps: true })
export class EnvVar {
  @Prop({ required: true, index: true })
  appId!: string;

  @Prop({ required: true })
  name!: string;

  @Prop({ type: SchemaTypes.Mixed, required: true })
  value!: SealedSecret;

  createdAt!: Date;
  updatedAt!: Date;
}

export type EnvVarDocument = HydratedDocument<EnvVar>;
export const EnvVarSchema = SchemaFactory.createForClass(EnvVar);
EnvVarSchema.index({ appId: 1, name: 1 }, { unique: true });
