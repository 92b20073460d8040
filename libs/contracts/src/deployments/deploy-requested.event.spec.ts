import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePayload, PayloadValidationError } from '../messaging/validation';
import { DeployRequestedEvent } from './deploy-requested.event';

function problemsOf(payload: object): string[] {
  try {
    parsePayload(DeployRequestedEvent, payload);
    return [];
  } catch (error) {
    if (error instanceof PayloadValidationError) return error.problems;
    throw error;
  }
}

describe('deploy.requested.v1', () => {
  it('accepts the examples of docs/deploy-events.md', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/deploy-events.md'), 'utf8');
    const cliJson = /'(\{"appName".*\})'/.exec(doc)?.[1];
    expect(cliJson).toBeDefined();
    expect(problemsOf(JSON.parse(cliJson ?? '{}') as object)).toEqual([]);
    expect(
      problemsOf({
        appName: 'shop',
        ref: 'v1.4.2',
        requestedBy: 'bot:release',
        idempotencyKey: 'release-shop-v1.4.2',
        message: 'release 1.4.2',
        requestedAt: new Date().toISOString(),
      }),
    ).toEqual([]);
    expect(
      problemsOf({ appId: 'a'.repeat(24), image: 'nginx:1.27', requestedBy: 'x', idempotencyKey: 'k' }),
    ).toEqual([]);
  });

  it('requires exactly one of appId and appName', () => {
    expect(problemsOf({ requestedBy: 'ci', idempotencyKey: 'k' })).toEqual([
      'give the app by appId or by appName (exactly one)',
    ]);
    expect(
      problemsOf({ appId: 'a'.repeat(24), appName: 'shop', requestedBy: 'ci', idempotencyKey: 'k' }),
    ).toEqual(['give the app by appId or by appName (exactly one)']);
  });

  it('names every problem: missing key, option-like ref, unknown field', () => {
    const problems = problemsOf({ appName: 'Shop', ref: '--upload-pack=x', requestedBy: 'ci', extra: 1 });
    expect(problems).toEqual(
      expect.arrayContaining([
        'property extra should not exist',
        'idempotencyKey is required (1-128 characters)',
        expect.stringContaining('app name must be 1-63 characters'),
        expect.stringContaining('ref must be a branch, tag or commit SHA'),
      ]),
    );
  });
});
