import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EnvVarStore } from './env-var.store';
import { EnvVar, EnvVarSchema } from './schemas/env-var.schema';

@Module({
  imports: [MongooseModule.forFeature([{ name: EnvVar.name, schema: EnvVarSchema }])],
  providers: [EnvVarStore],
  exports: [EnvVarStore],
})
export class EnvVarStoreModule {}
