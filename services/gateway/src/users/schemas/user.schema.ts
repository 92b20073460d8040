import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { USER_ROLES, UserRole } from '@slipway/contracts';
import { HydratedDocument } from 'mongoose';

@Schema({ collection: 'users', timestamps: true })
export class User {
  /** Lower-cased and trimmed, so "Ann@Example.com" and "ann@example.com" are one account. */
  @Prop({ required: true, unique: true })
  email!: string;

  /** bcrypt hash (the salt and cost are part of it). */
  @Prop({ required: true })
  passwordHash!: string;

  @Prop({ type: String, required: true, enum: USER_ROLES, default: 'user' })
  role!: UserRole;

  @Prop({ type: Date, default: null })
  disabledAt!: Date | null;

  /**
   * Access tokens carry the version they were issued under; "sign out everywhere" and disabling a user bump
   * it, which makes every access token issued before unusable at once.
   */
  @Prop({ required: true, default: 0 })
  sessionVersion!: number;

  @Prop({ type: Date, default: null })
  lastSignInAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export type UserDocument = HydratedDocument<User>;
export const UserSchema = SchemaFactory.createForClass(User);

/**
 * One document with a fixed id: whoever inserts it first is the first user and becomes admin. A unique
 * `_id` settles a race between two simultaneous first sign-ups without transactions.
 */
@Schema({ collection: 'user_bootstrap' })
export class UserBootstrap {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  userId!: string;
}

export const UserBootstrapSchema = SchemaFactory.createForClass(UserBootstrap);
