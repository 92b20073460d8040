import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';
import { API_TOKEN_SCOPES, ApiTokenScope } from '../../auth/scopes';

/** A named API token. Only its SHA-256 is kept: the value is shown once, when it is created. */
@Schema({ collection: 'api_tokens', timestamps: true })
export class ApiToken {
  @Prop({ required: true, index: true })
  userId!: string;

  @Prop({ required: true })
  name!: string;

  @Prop({ type: [String], enum: API_TOKEN_SCOPES, required: true })
  scopes!: ApiTokenScope[];

  @Prop({ required: true, unique: true })
  tokenHash!: string;

  /** The first characters of the value, so a user can tell their tokens apart. */
  @Prop({ required: true })
  displayPrefix!: string;

  @Prop({ type: Date, default: null })
  expiresAt!: Date | null;

  @Prop({ type: Date, default: null })
  revokedAt!: Date | null;

  @Prop({ type: Date, default: null })
  lastUsedAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export type ApiTokenDocument = HydratedDocument<ApiToken>;
export const ApiTokenSchema = SchemaFactory.createForClass(ApiToken);
