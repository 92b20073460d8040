import { ManagedProcess, repoRoot } from '@slipway/testing';

// A misconfigured service must refuse to start and say which variables are wrong, before it connects
// to anything.
describe('apps service start-up configuration', () => {
  it('exits with code 78 naming every invalid variable', async () => {
    const service = await ManagedProcess.start({
      name: 'apps-misconfigured',
      command: process.execPath,
      args: ['-r', '@swc-node/register', 'services/apps/src/main.ts'],
      cwd: repoRoot(),
      env: {
        SWC_NODE_PROJECT: 'tsconfig.base.json',
        HTTP_PORT: 'eighty',
        NATS_URL: 'localhost:4222',
        OUTBOX_RELAY_INTERVAL_MS: '10',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    const exit = await service.waitForExit();
    const output = service.recentOutput();

    expect(exit.code).toBe(78);
    expect(output).toContain('The apps service cannot start. Invalid configuration:');
    expect(output).toContain('HTTP_PORT is "eighty"');
    expect(output).toContain('NATS_URL must look like nats://host:port');
    expect(output).toContain('OUTBOX_RELAY_INTERVAL_MS must not be less than 500');
  });
});
