import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module';
import { EnvVarsController } from './env-vars.controller';

@Module({ imports: [AppsModule], controllers: [EnvVarsController] })
export class EnvVarsModule {}
