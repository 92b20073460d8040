import { toStages } from './deployment-stages';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, second)).toISOString();

describe('toStages', () => {
  it('marks passed stages done with their durations and the current one current', () => {
    const stages = toStages(
      'building',
      [
        { to: 'queued', at: at(0) },
        { to: 'cloning', at: at(1) },
        { to: 'building', at: at(3) },
      ],
      Date.parse(at(10)),
    );
    expect(stages.map((stage) => [stage.label, stage.status, stage.durationMs])).toEqual([
      ['Queued', 'done', 1000],
      ['Source', 'done', 2000],
      ['Build', 'current', 7000],
      ['Release', 'pending', null],
      ['Running', 'pending', null],
    ]);
  });

  it('marks the stage a deployment failed in, and skips stages an image deploy never entered', () => {
    const stages = toStages(
      'failed',
      [
        { to: 'queued', at: at(0) },
        { to: 'releasing', at: at(1) },
        { to: 'failed', at: at(5) },
      ],
      Date.parse(at(60)),
    );
    expect(stages.map((stage) => stage.status)).toEqual(['done', 'skipped', 'skipped', 'failed', 'pending']);
    expect(stages[3]?.durationMs).toBe(4000);
  });

  it('shows every stage done once the deployment is running', () => {
    const stages = toStages(
      'running',
      [
        { to: 'queued', at: at(0) },
        { to: 'cloning', at: at(1) },
        { to: 'building', at: at(2) },
        { to: 'releasing', at: at(4) },
        { to: 'running', at: at(6) },
      ],
      Date.parse(at(100)),
    );
    expect(stages.map((stage) => stage.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
  });
});
