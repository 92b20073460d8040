import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxModule } from '../outbox/outbox.module';
import { AppsHandler } from './apps.handler';
import { AppsService } from './apps.service';
import { OutboxRelay } from './outbox-relay';
import { App, AppSchema } from './schemas/app.schema';

@Module({
  imports: [MongooseModule.forFeature([{ name: App.name, schema: AppSchema }]), OutboxModule],
  controllers: [AppsHandler],
  providers: [AppsService, OutboxRelay],
  exports: [AppsService, OutboxModule],
})
export class AppsModule {}
