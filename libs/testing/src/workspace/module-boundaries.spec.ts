import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../repo';

interface EslintResult {
  messages: Array<{ ruleId: string | null; message: string }>;
}

// The Nx tags and depConstraints in eslint.config.mjs must really fail lint when a boundary is crossed.
describe('module boundaries', () => {
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

  beforeAll(() => {
    // The boundaries rule reads Nx's cached project graph; make sure it exists (a fresh clone has none).
    execFileSync('npx', ['nx', 'show', 'projects'], { cwd: repoRoot(), env, stdio: 'ignore' });
  }, 120_000);

  /** Lints `code` as if it were saved at `file`, with the workspace's real ESLint config (a separate process). */
  async function boundaryErrors(file: string, code: string): Promise<string[]> {
    const run = spawnSync(
      join(repoRoot(), 'node_modules', '.bin', 'eslint'),
      ['--stdin', '--stdin-filename', join(repoRoot(), file), '--format', 'json'],
      { cwd: repoRoot(), env, input: code, encoding: 'utf8' },
    );
    if (!run.stdout) throw new Error(`eslint did not run: ${run.stderr}`);
    const [result] = JSON.parse(run.stdout) as EslintResult[];
    return (result?.messages ?? [])
      .filter((message) => message.ruleId === '@nx/enforce-module-boundaries')
      .map((message) => message.message);
  }

  it('fails when a service imports another service', async () => {
    const errors = await boundaryErrors(
      'services/gateway/src/apps/sneaky.ts',
      "import { AppsService } from '../../../apps/src/apps/apps.service';\nexport const leak = AppsService;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it('fails when production code of a service uses the testing lib', async () => {
    const errors = await boundaryErrors(
      'services/apps/src/apps/helper.ts',
      "import { startNats } from '@slipway/testing';\nexport const start = startNats;\n",
    );
    expect(errors).toEqual([
      expect.stringContaining('can only depend on libs tagged with "scope:apps", "scope:shared"'),
    ]);
  });

  it('fails when the contracts lib depends on infrastructure', async () => {
    const errors = await boundaryErrors(
      'libs/contracts/src/apps/leak.ts',
      "import { loadConfig } from '@slipway/nest-config';\nexport const load = loadConfig;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it('fails when the web app imports server-only code', async () => {
    const errors = await boundaryErrors(
      'web/src/app/leak.ts',
      "import { EventPublisher } from '@slipway/nest-messaging';\nexport const publisher = EventPublisher;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it('allows a service to use the contracts and infrastructure libs, and its tests the testing lib', async () => {
    expect(
      await boundaryErrors(
        'services/logs/src/log-lines/ok.ts',
        "import { Consumers } from '@slipway/contracts';\nimport { DurableConsumers } from '@slipway/nest-messaging';\nexport const ok = [Consumers, DurableConsumers];\n",
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'services/logs/test/ok.int-spec.ts',
        "import { startNats } from '@slipway/testing';\nexport const start = startNats;\n",
      ),
    ).toEqual([]);
  });
});
