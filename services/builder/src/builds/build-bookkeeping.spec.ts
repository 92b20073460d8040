import { BuildStage } from '@slipway/contracts';
import { BuildBookkeeping, RecordUpdate } from './build-bookkeeping';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('BuildBookkeeping', () => {
  function setup() {
    const writes: RecordUpdate[] = [];
    const gates: Array<ReturnType<typeof deferred>> = [];
    const announced: BuildStage[] = [];
    const errors: string[] = [];
    const bookkeeping = new BuildBookkeeping(
      async (update) => {
        writes.push(update);
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
      },
      async (stage) => {
        announced.push(stage);
      },
      (error) => errors.push(error.message),
    );
    const openGates = async () => {
      for (let round = 0; round < 10; round += 1) {
        gates.forEach((gate) => gate.resolve());
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    return { bookkeeping, writes, announced, errors, openGates };
  }

  it('merges the changes made while a write is in flight into one write, later values winning', async () => {
    const { bookkeeping, writes, announced, openGates } = setup();
    bookkeeping.record({ status: 'running' }, { inc: { attempts: 1 } });
    for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    bookkeeping.record({ stage: 'clone' }, { progress: 'clone' });
    bookkeeping.record({ commitSha: 'abc' });
    bookkeeping.record({ stage: 'detect' }, { progress: 'detect' });
    await openGates();
    await bookkeeping.settled();

    expect(writes).toEqual([
      { $set: { status: 'running' }, $inc: { attempts: 1 } },
      { $set: { stage: 'detect', commitSha: 'abc' } },
    ]);
    expect(announced).toEqual(['clone', 'detect']);
  });

  it('writes changes made in the same turn of the event loop together', async () => {
    const { bookkeeping, writes, announced, openGates } = setup();
    bookkeeping.record({ commitSha: 'abc' });
    await Promise.resolve();
    bookkeeping.record({ stage: 'detect' }, { progress: 'detect' });
    await openGates();
    await bookkeeping.settled();
    expect(writes).toEqual([{ $set: { commitSha: 'abc', stage: 'detect' } }]);
    expect(announced).toEqual(['detect']);
  });

  it('announces a stage only after the write that recorded it', async () => {
    const { bookkeeping, writes, announced, openGates } = setup();
    bookkeeping.record({ stage: 'build' }, { progress: 'build' });
    for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(announced).toEqual([]);
    await openGates();
    await bookkeeping.settled();
    expect(announced).toEqual(['build']);
  });

  it('reports a failed write and goes on with the next changes', async () => {
    const writes: RecordUpdate[] = [];
    const errors: string[] = [];
    const bookkeeping = new BuildBookkeeping(
      async (update) => {
        writes.push(update);
        if (writes.length === 1) throw new Error('database away');
      },
      async () => undefined,
      (error) => errors.push(error.message),
    );
    bookkeeping.record({ stage: 'clone' });
    await bookkeeping.settled();
    bookkeeping.record({ stage: 'detect' });
    await bookkeeping.settled();
    expect(errors).toEqual(['database away']);
    expect(writes.map((write) => write.$set)).toEqual([{ stage: 'clone' }, { stage: 'detect' }]);
  });
});
