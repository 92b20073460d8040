import { randomBytes } from 'node:crypto';

/** A user signed up or signed in through the gateway's REST API. */
export interface SignedInUser {
  userId: string;
  email: string;
  password: string;
  role: 'user' | 'admin';
  accessToken: string;
  refreshToken: string;
  /** `{ authorization: 'Bearer <accessToken>' }`, to spread into fetch headers. */
  headers: Record<string, string>;
}

interface SessionTokensBody {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; role: 'user' | 'admin' };
}

export function bearerHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** An address no other test uses: `<label>-<random>@example.test`. */
export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.test`;
}

async function postSession(url: string, body: object, what: string): Promise<SessionTokensBody> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${what} failed with ${response.status}: ${await response.text()}`);
  return (await response.json()) as SessionTokensBody;
}

function toSignedInUser(body: SessionTokensBody, password: string): SignedInUser {
  return {
    userId: body.user.id,
    email: body.user.email,
    password,
    role: body.user.role,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    headers: bearerHeaders(body.accessToken),
  };
}

/**
 * Creates an account through `POST /api/v1/auth/signup` and returns it signed in. The first account of a
 * platform becomes its administrator: sign one up first when a test needs an admin and a plain user.
 */
export async function signUp(
  gatewayUrl: string,
  options: { email?: string; password?: string } = {},
): Promise<SignedInUser> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? `pw-${randomBytes(12).toString('base64url')}`;
  const body = await postSession(
    `${gatewayUrl}/api/v1/auth/signup`,
    { email, password },
    `Signing up ${email}`,
  );
  return toSignedInUser(body, password);
}

/** Signs in again (a new session) through `POST /api/v1/auth/login`. */
export async function signIn(gatewayUrl: string, email: string, password: string): Promise<SignedInUser> {
  const body = await postSession(
    `${gatewayUrl}/api/v1/auth/login`,
    { email, password },
    `Signing in ${email}`,
  );
  return toSignedInUser(body, password);
}

/** Creates an API token for a signed-in user; returns its id and its value (`slw_…`). */
export async function createApiToken(
  gatewayUrl: string,
  user: SignedInUser,
  options: { name?: string; scopes: string[] },
): Promise<{ id: string; token: string }> {
  const response = await fetch(`${gatewayUrl}/api/v1/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...user.headers },
    body: JSON.stringify({ name: options.name ?? 'test token', scopes: options.scopes }),
  });
  if (!response.ok)
    throw new Error(`Creating an API token failed with ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { id: string; token: string };
  return { id: body.id, token: body.token };
}
