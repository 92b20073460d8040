export * from './tracing';
export * from './http-server-spans';
export * from './metrics';
export * from './telemetry.module';
