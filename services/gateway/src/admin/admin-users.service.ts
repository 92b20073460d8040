import { ConflictException, Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import type { Authentication } from '../auth/authentication';
import type { ClientContext } from '../auth/client-context';
import { SessionsService } from '../auth/sessions.service';
import { UserDocument } from '../users/schemas/user.schema';
import { UserPage, UsersService } from '../users/users.service';

@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditLog,
  ) {}

  list(options: { limit: number; cursor?: string; email?: string }): Promise<UserPage> {
    return this.users.list(options);
  }

  /** Disabling ends the user's sessions at once; their API tokens are refused while they are disabled. */
  async setDisabled(
    userId: string,
    disabled: boolean,
    authentication: Authentication,
    client: ClientContext,
  ): Promise<UserDocument> {
    if (disabled && userId === authentication.actor.userId) {
      throw new ConflictException('You cannot disable your own account: ask another administrator.');
    }
    const user = await this.users.setDisabled(userId, disabled);
    if (disabled) await this.sessions.endAllForUser(userId, 'user-disabled');
    await this.audit.record({
      actor: null,
      authentication,
      action: disabled ? 'admin.user-disabled' : 'admin.user-enabled',
      target: `user:${userId}`,
      details: { email: user.email },
      ...client,
    });
    return user;
  }
}
