export * from './service-core.module';
export * from './version';
export * from './bootstrap';
