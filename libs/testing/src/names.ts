import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses, for databases, streams, consumers and labels: `prefix_<8 hex chars>`.
 * Only letters, digits and underscores, which every one of those accepts.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}
