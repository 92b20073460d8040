import { randomBytes } from 'node:crypto';
import { parseSecretKeys, SecretBox, SecretKeyError } from './secret-box';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

describe('SecretBox', () => {
  it('seals so that the plaintext is not visible, and opens it again', () => {
    const box = SecretBox.fromConfig(`a:${keyA}`, 'a');
    const sealed = box.seal('ghp_verysecrettoken');
    expect(sealed.keyId).toBe('a');
    expect(sealed.sealed).not.toContain('ghp_');
    expect(Buffer.from(sealed.sealed, 'base64').toString('latin1')).not.toContain('verysecret');
    expect(box.open(sealed)).toBe('ghp_verysecrettoken');
  });

  it('uses a fresh IV each time, so equal secrets do not look equal', () => {
    const box = SecretBox.fromConfig(`a:${keyA}`, 'a');
    expect(box.seal('same').sealed).not.toBe(box.seal('same').sealed);
  });

  it('refuses a tampered secret', () => {
    const box = SecretBox.fromConfig(`a:${keyA}`, 'a');
    const sealed = box.seal('value');
    const raw = Buffer.from(sealed.sealed, 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 0xff;
    expect(() => box.open({ keyId: 'a', sealed: raw.toString('base64') })).toThrow(SecretKeyError);
  });

  it('rotates: opens secrets sealed with an old key and reseals them with the active one', () => {
    const old = SecretBox.fromConfig(`a:${keyA}`, 'a').seal('db-password');
    const rotated = SecretBox.fromConfig(`a:${keyA},b:${keyB}`, 'b');
    const resealed = rotated.reseal(old);
    expect(resealed.keyId).toBe('b');
    expect(rotated.open(resealed)).toBe('db-password');
    expect(() => SecretBox.fromConfig(`b:${keyB}`, 'b').open(old)).toThrow('sealed with key "a"');
  });

  it('rejects keys that are not 32 bytes, without echoing them', () => {
    expect(() => parseSecretKeys('a:c2hvcnQ=')).toThrow('SECRETS_KEYS must be');
    try {
      parseSecretKeys('a:c2hvcnQ=');
    } catch (error) {
      expect((error as Error).message).not.toContain('c2hvcnQ');
    }
  });

  it('says plainly that secrets cannot be stored when no key is configured', () => {
    const box = SecretBox.fromConfig('', '');
    expect(box.configured).toBe(false);
    expect(() => box.seal('x')).toThrow('No secrets key is configured');
  });
});
