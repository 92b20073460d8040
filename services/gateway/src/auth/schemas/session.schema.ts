import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

export const SESSION_END_REASONS = ['logout', 'logout-all', 'reuse-detected', 'user-disabled'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/**
 * A sign-in: one family of refresh tokens. Each refresh replaces `tokenHash`; the hashes of tokens already
 * used stay in `rotatedTokenHashes`, so presenting one of them again reveals a stolen token and ends the
 * whole family.
 */
@Schema({ collection: 'sessions', timestamps: true })
export class Session {
  @Prop({ required: true, index: true })
  userId!: string;

  @Prop({ required: true })
  tokenHash!: string;

  @Prop({ type: [String], default: [] })
  rotatedTokenHashes!: string[];

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date, default: null })
  endedAt!: Date | null;

  @Prop({ type: String, enum: SESSION_END_REASONS, default: null })
  endReason!: SessionEndReason | null;

  @Prop({ type: String, default: null })
  ip!: string | null;

  @Prop({ type: String, default: null })
  userAgent!: string | null;

  @Prop({ type: Date, default: null })
  lastRefreshedAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export type SessionDocument = HydratedDocument<Session>;
export const SessionSchema = SchemaFactory.createForClass(Session);
