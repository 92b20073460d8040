export * from './mongo.module';
export * from './document-mapping';
export * from './keyed-lock';
