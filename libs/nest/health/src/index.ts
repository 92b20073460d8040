export * from './dependency-probe';
export * from './core-probes';
export * from './health.options';
export * from './heartbeat.service';
export * from './health.module';
