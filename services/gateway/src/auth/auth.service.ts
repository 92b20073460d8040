import { BadRequestException, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import { toUserDto } from '../users/user.mapper';
import { passwordProblems, PASSWORD_RULES } from '../users/passwords';
import { UserDocument } from '../users/schemas/user.schema';
import { UsersService } from '../users/users.service';
import { AccessTokensService } from './access-tokens.service';
import { Authentication } from './authentication';
import { ClientContext } from './client-context';
import { SessionTokensDto } from './dto/session-tokens.dto';
import { SessionsService } from './sessions.service';

/** People sometimes type their password into the email field: only something shaped like an email is kept. */
function emailForAudit(typed: string): string {
  const email = typed.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email.slice(0, 254) : '(not an email address)';
}

const DISABLED_MESSAGE = 'This account is disabled. Ask a Slipway administrator to enable it.';

/** Sign-up, sign-in, refresh and sign-out. Every outcome that matters for security goes to the audit log. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokensService,
    private readonly audit: AuditLog,
  ) {}

  async signUp(email: string, password: string, client: ClientContext): Promise<SessionTokensDto> {
    const problems = passwordProblems(password, email);
    if (problems.length > 0) throw new BadRequestException(`${problems.join(' ')} ${PASSWORD_RULES}`);
    const user = await this.users.create(email, password);
    await this.audit.record({
      actor: { userId: user._id.toHexString(), role: user.role },
      action: 'auth.signed-up',
      target: `user:${user._id.toHexString()}`,
      details: { email: user.email, role: user.role },
      ...client,
    });
    return this.startSession(user, client);
  }

  async signIn(email: string, password: string, client: ClientContext): Promise<SessionTokensDto> {
    const user = await this.users.verifyCredentials(email, password);
    if (!user) {
      await this.audit.record({
        actor: null,
        action: 'auth.login-failed',
        outcome: 'failure',
        details: { email: emailForAudit(email), reason: 'wrong email or password' },
        ...client,
      });
      throw new UnauthorizedException('The email or the password is wrong.');
    }
    const actor = { userId: user._id.toHexString(), role: user.role };
    if (user.disabledAt) {
      await this.audit.record({
        actor,
        action: 'auth.login-failed',
        outcome: 'failure',
        details: { reason: 'account disabled' },
        ...client,
      });
      throw new ForbiddenException(DISABLED_MESSAGE);
    }
    await this.users.recordSignIn(actor.userId);
    await this.audit.record({ actor, action: 'auth.logged-in', ...client });
    return this.startSession(user, client);
  }

  async refresh(refreshToken: string, client: ClientContext): Promise<SessionTokensDto> {
    const result = await this.sessions.rotate(refreshToken);
    if (result.outcome === 'invalid') throw new UnauthorizedException(result.reason);
    const userId = result.session.userId;
    if (result.outcome === 'reused') {
      await this.audit.record({
        actor: { userId, role: (await this.users.standing(userId))?.actor.role ?? 'user' },
        action: 'auth.refresh-token-reused',
        outcome: 'failure',
        target: `session:${result.session._id.toHexString()}`,
        details: { consequence: 'session ended' },
        ...client,
      });
      throw new UnauthorizedException(
        'This refresh token was already used once. To protect the account its session has been ended: sign in again.',
      );
    }
    const user = await this.users.get(userId);
    if (user.disabledAt) {
      await this.sessions.end(result.session._id.toHexString(), 'user-disabled');
      throw new UnauthorizedException(DISABLED_MESSAGE);
    }
    const { accessToken, expiresIn } = await this.accessTokens.issue({
      sub: userId,
      sid: result.session._id.toHexString(),
      ver: user.sessionVersion,
    });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn,
      refreshToken: result.refreshToken,
      user: toUserDto(user),
    };
  }

  async logout(authentication: Authentication & { via: 'session' }, client: ClientContext): Promise<void> {
    await this.sessions.end(authentication.sessionId, 'logout');
    await this.audit.record({
      actor: null,
      authentication,
      action: 'auth.logged-out',
      target: `session:${authentication.sessionId}`,
      ...client,
    });
  }

  /** Ends every session of the user, on every device; API tokens are not affected. */
  async logoutEverywhere(authentication: Authentication, client: ClientContext): Promise<number> {
    const { userId } = authentication.actor;
    await this.users.endAllSessions(userId);
    const ended = await this.sessions.endAllForUser(userId, 'logout-all');
    await this.audit.record({
      actor: null,
      authentication,
      action: 'auth.logged-out-everywhere',
      target: `user:${userId}`,
      details: { sessionsEnded: ended },
      ...client,
    });
    return ended;
  }

  private async startSession(user: UserDocument, client: ClientContext): Promise<SessionTokensDto> {
    const userId = user._id.toHexString();
    const { session, refreshToken } = await this.sessions.start(userId, client);
    const { accessToken, expiresIn } = await this.accessTokens.issue({
      sub: userId,
      sid: session._id.toHexString(),
      ver: user.sessionVersion,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn, refreshToken, user: toUserDto(user) };
  }
}
