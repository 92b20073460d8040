import bcrypt from 'bcryptjs';

export const PASSWORD_MIN_LENGTH = 10;
/** bcrypt only reads the first 72 bytes; a longer password would silently lose its end. */
export const PASSWORD_MAX_BYTES = 72;

export const PASSWORD_RULES =
  `A password needs at least ${PASSWORD_MIN_LENGTH} characters, at most ${PASSWORD_MAX_BYTES} bytes ` +
  '(bcrypt ignores anything longer), and must not be your email address.';

/** What is wrong with a password, as sentences for the sign-up form; empty when it is acceptable. */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    problems.push(`The password is too short: use at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    problems.push(
      `The password is too long: at most ${PASSWORD_MAX_BYTES} bytes (bcrypt ignores anything after that).`,
    );
  }
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) {
    problems.push('The password must not be your email address.');
  }
  if (password.length > 0 && new Set(password).size === 1) {
    problems.push('The password must not repeat a single character.');
  }
  return problems;
}

export function hashPassword(password: string, rounds: number): Promise<string> {
  return bcrypt.hash(password, rounds);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
