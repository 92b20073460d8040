import { IsIn, IsString, Length } from 'class-validator';

export const USER_ROLES = ['user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * Who is asking. The gateway authenticates the caller and passes this with every app-scoped request; the
 * apps service filters by it (an admin sees everything, a user only what they own).
 */
export class Actor {
  @IsString()
  @Length(1, 64)
  userId!: string;

  @IsIn(USER_ROLES)
  role!: UserRole;
}
