import { LogBatchEvent } from '@slipway/contracts';
import { BuildLog } from './build-log';

function collector(failures = 0) {
  const batches: Array<{ subject: string; batch: LogBatchEvent; messageId: string }> = [];
  let remainingFailures = failures;
  const publish = async (subject: string, batch: LogBatchEvent, messageId: string) => {
    if (remainingFailures > 0) {
      remainingFailures -= 1;
      throw new Error('NATS unavailable');
    }
    batches.push({ subject, batch, messageId });
  };
  return { batches, publish };
}

describe('BuildLog', () => {
  it('numbers lines, tags them with their stage and publishes them on the deployment subject', async () => {
    const { batches, publish } = collector();
    const log = new BuildLog('app1', 'dep1', publish);
    log.write('clone', 'Cloning into /work...\nReceiving objects: 100%\n');
    log.write('install', 'added 3 packages', 'stderr');
    await log.flush();

    expect(batches).toHaveLength(1);
    expect(batches[0]?.subject).toBe('logs.app1.dep1.build');
    expect(batches[0]?.messageId).toBe('dep1:build:1');
    expect(batches[0]?.batch.lines.map((line) => [line.seq, line.stage, line.stream, line.text])).toEqual([
      [1, 'clone', 'stdout', 'Cloning into /work...'],
      [2, 'clone', 'stdout', 'Receiving objects: 100%'],
      [3, 'install', 'stderr', 'added 3 packages'],
    ]);
  });

  it('replaces secrets in every line before it leaves the builder', async () => {
    const { batches, publish } = collector();
    const log = new BuildLog('app1', 'dep1', publish, ['ghp_abc123secret']);
    log.write('clone', 'fatal: could not read from https://x-access-token:ghp_abc123secret@host/repo');
    await log.flush();
    expect(JSON.stringify(batches)).not.toContain('ghp_abc123secret');
    expect(log.lastLines()).toEqual([
      'fatal: could not read from https://x-access-token:[redacted]@host/repo',
    ]);
  });

  it('keeps lines that could not be published and sends them with the next flush', async () => {
    const { batches, publish } = collector(1);
    const log = new BuildLog('app1', 'dep1', publish);
    log.write('build', 'Step 1/3 : FROM node');
    await log.flush();
    expect(batches).toHaveLength(0);
    log.write('build', 'Step 2/3 : RUN npm ci');
    await log.flush();
    expect(batches.flatMap((entry) => entry.batch.lines.map((line) => line.seq))).toEqual([1, 2]);
  });

  it('remembers the last lines without colour codes for a failure message', () => {
    const log = new BuildLog('app1', 'dep1', collector().publish);
    for (let index = 1; index <= 30; index += 1) log.write('build', `\u001b[31mline ${index}\u001b[0m`);
    expect(log.lastLines(3)).toEqual(['line 28', 'line 29', 'line 30']);
  });
});
