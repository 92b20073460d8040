import { accessTokenForms, createRedactor } from './redact';

describe('createRedactor', () => {
  it('replaces every occurrence of every secret', () => {
    const redact = createRedactor(['tok123', 'other']);

    expect(redact('a tok123 b tok123 c other')).toBe('a *** b *** c ***');
  });

  it('removes a longer secret whole when it contains a shorter one', () => {
    const redact = createRedactor(['abc', 'xxabcxx']);

    expect(redact('[xxabcxx] [abc]')).toBe('[***] [***]');
  });

  it('leaves text alone without secrets, and ignores empty ones', () => {
    expect(createRedactor([])('nothing to hide')).toBe('nothing to hide');
    expect(createRedactor([''])('nothing to hide')).toBe('nothing to hide');
  });
});

describe('accessTokenForms', () => {
  it('covers the token, its URL-encoded form and the base64 of the Basic credentials git sends', () => {
    const token = 'ghp_a/b+c';
    const forms = accessTokenForms(token);
    const header = `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
    const redact = createRedactor(forms);

    expect(redact(header)).toBe('Authorization: Basic ***');
    expect(redact(`https://x:${encodeURIComponent(token)}@host`)).toBe('https://x:***@host');
    expect(redact(`password ${token}`)).toBe('password ***');
  });
});
