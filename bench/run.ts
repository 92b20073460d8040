// Benchmarks of the running platform, printed as figures. Run: npm run bench
// Each benchmark starts its own private platform (libs/testing) and stops it afterwards.
import { benchBuilder } from './builder.bench';
import { benchDeploy } from './deploy.bench';
import { benchLogLatency, benchLogs } from './logs.bench';
import { benchRuntime } from './runtime.bench';
import { benchWalkingSkeleton } from './walking-skeleton.bench';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'walking-skeleton') await benchWalkingSkeleton();
  if (!only || only === 'builder') await benchBuilder();
  if (!only || only === 'logs') await benchLogs();
  if (!only || only === 'logs' || only === 'logs-latency') await benchLogLatency();
  if (!only || only === 'runtime') await benchRuntime();
  if (!only || only === 'deploy') await benchDeploy();
  if (only === 'deploy-list') await benchDeploy('list');
  if (only === 'deploy-time') await benchDeploy('deploy');
  if (only === 'deploy-trace') await benchDeploy('trace');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
