import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AppAuditTrail } from './app-audit';
import { AppListCache } from './app-list-cache';
import { AppsController } from './apps.controller';
import { ForgetAppListsAfterWrites } from './forget-app-lists-after-writes.middleware';

@Module({
  controllers: [AppsController],
  providers: [AppAuditTrail, AppListCache],
  exports: [AppAuditTrail],
})
export class AppsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ForgetAppListsAfterWrites).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
