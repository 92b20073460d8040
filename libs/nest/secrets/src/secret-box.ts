import { SealedSecret } from '@slipway/contracts';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

/**
 * Parses `SECRETS_KEYS`: comma-separated `<keyId>:<base64 of 32 bytes>`. Several keys allow rotation: new
 * secrets are sealed with the active key, old ones still open with the key id stored beside them.
 */
export function parseSecretKeys(value: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    const keyId = entry.slice(0, separator);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (separator < 1 || key.length !== 32) {
      throw new SecretKeyError(
        'SECRETS_KEYS must be comma-separated "<keyId>:<base64 of 32 random bytes>" entries (generate one with: openssl rand -base64 32)',
      );
    }
    keys.set(keyId, key);
  }
  return keys;
}

/** AES-256-GCM sealing of secrets (tokens, env var values) with a key id kept beside each value. */
export class SecretBox {
  constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly activeKeyId: string,
  ) {
    if (keys.size > 0 && !keys.has(activeKeyId)) {
      throw new SecretKeyError(`The active secrets key "${activeKeyId}" is not among SECRETS_KEYS.`);
    }
  }

  static fromConfig(keysValue: string, activeKeyId: string): SecretBox {
    const keys = parseSecretKeys(keysValue);
    return new SecretBox(keys, activeKeyId || ([...keys.keys()][0] ?? ''));
  }

  get configured(): boolean {
    return this.keys.size > 0;
  }

  seal(plaintext: string): SealedSecret {
    const key = this.keys.get(this.activeKeyId);
    if (!key)
      throw new SecretKeyError('No secrets key is configured (SECRETS_KEYS), so secrets cannot be stored.');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: this.activeKeyId,
      sealed: Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64'),
    };
  }

  open(secret: SealedSecret): string {
    const key = this.keys.get(secret.keyId);
    if (!key)
      throw new SecretKeyError(`The secret was sealed with key "${secret.keyId}", which is not configured.`);
    const raw = Buffer.from(secret.sealed, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretKeyError('The sealed secret is malformed.');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretKeyError(
        'The sealed secret could not be opened: it was altered or sealed with another key.',
      );
    }
  }

  /** Re-seals under the active key (key rotation); unchanged when it already uses it. */
  reseal(secret: SealedSecret): SealedSecret {
    return secret.keyId === this.activeKeyId ? secret : this.seal(this.open(secret));
  }
}
