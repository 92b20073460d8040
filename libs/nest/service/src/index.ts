export * from './service-core.module';
export * from './version';
export * from './bootstrap';
export * from './stable-prototype-express-adapter';
