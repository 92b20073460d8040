import { hashPassword, PASSWORD_RULES, passwordProblems, verifyPassword } from './passwords';

describe('password rules', () => {
  it('accepts a long enough password that is not the email', () => {
    expect(passwordProblems('correct horse battery', 'ann@example.com')).toEqual([]);
  });

  it('says what is wrong with a short password', () => {
    expect(passwordProblems('short', 'ann@example.com')).toEqual([
      'The password is too short: use at least 10 characters.',
    ]);
  });

  it('counts characters, not bytes, for the minimum and bytes for the bcrypt maximum', () => {
    expect(passwordProblems('çàéèêëîïôù', 'ann@example.com')).toEqual([]);
    const tooLong = 'çàéèêëîïôù'.repeat(4); // 40 characters, 80 bytes
    expect(passwordProblems(tooLong, 'ann@example.com')).toEqual([
      'The password is too long: at most 72 bytes (bcrypt ignores anything after that).',
    ]);
  });

  it('refuses the email address and a single repeated character', () => {
    expect(passwordProblems(' Ann@Example.com ', 'ann@example.com')).toContain(
      'The password must not be your email address.',
    );
    expect(passwordProblems('aaaaaaaaaaaa', 'ann@example.com')).toEqual([
      'The password must not repeat a single character.',
    ]);
  });

  it('explains all rules in one sentence for error messages', () => {
    expect(PASSWORD_RULES).toBe(
      'A password needs at least 10 characters, at most 72 bytes (bcrypt ignores anything longer), and must not be your email address.',
    );
  });
});

describe('password hashing', () => {
  it('stores a salted bcrypt hash that verifies only the same password', async () => {
    const hash = await hashPassword('correct horse battery', 4);
    expect(hash).toMatch(/^\$2[aby]\$04\$/);
    expect(hash).not.toContain('correct horse battery');
    expect(await hashPassword('correct horse battery', 4)).not.toBe(hash);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
  });
});
