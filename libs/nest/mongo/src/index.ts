export * from './mongo.module';
export * from './document-mapping';
