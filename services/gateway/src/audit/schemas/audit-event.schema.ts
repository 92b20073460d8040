import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { USER_ROLES, UserRole } from '@slipway/contracts';
import { HydratedDocument } from 'mongoose';

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Who did what to which app, when, from where. Written once, never changed. */
@Schema({ collection: 'audit_events', timestamps: { createdAt: 'at', updatedAt: false } })
export class AuditEvent {
  /** Null when nobody was signed in (a failed sign-in, a webhook). */
  @Prop({ type: String, default: null, index: true })
  actorId!: string | null;

  @Prop({ type: String, enum: USER_ROLES, default: null })
  actorRole!: UserRole | null;

  /** How the actor authenticated: a signed-in session or an API token (then `apiTokenId`). */
  @Prop({ type: String, default: null })
  via!: 'session' | 'api-token' | null;

  @Prop({ type: String, default: null })
  apiTokenId!: string | null;

  @Prop({ required: true, index: true })
  action!: string;

  @Prop({ type: String, enum: AUDIT_OUTCOMES, default: 'success' })
  outcome!: AuditOutcome;

  @Prop({ type: String, default: null, index: true })
  appId!: string | null;

  /** What was acted on besides the app, e.g. "user:<id>" or "api-token:<id>". */
  @Prop({ type: String, default: null })
  target!: string | null;

  @Prop({ type: String, default: null })
  ip!: string | null;

  @Prop({ type: String, default: null })
  userAgent!: string | null;

  /** Non-secret facts (e.g. the email tried at a failed sign-in, a token's scopes). */
  @Prop({ type: Object, default: {} })
  details!: Record<string, string | number | boolean | string[]>;

  at!: Date;
}

export type AuditEventDocument = HydratedDocument<AuditEvent>;
export const AuditEventSchema = SchemaFactory.createForClass(AuditEvent);
AuditEventSchema.set('minimize', false);
