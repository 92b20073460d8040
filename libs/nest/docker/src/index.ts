export * from './docker.module';
export * from './docker.config';
