import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditLog } from './audit-log.service';
import { AuditEvent, AuditEventSchema } from './schemas/audit-event.schema';

/** Global: any feature module can inject `AuditLog` without importing this module. */
@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: AuditEvent.name, schema: AuditEventSchema }])],
  providers: [AuditLog],
  exports: [AuditLog],
})
export class AuditModule {}
