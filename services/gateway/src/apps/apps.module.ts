import { Module } from '@nestjs/common';
import { AppAuditTrail } from './app-audit';
import { AppsController } from './apps.controller';

@Module({ controllers: [AppsController], providers: [AppAuditTrail], exports: [AppAuditTrail] })
export class AppsModule {}
