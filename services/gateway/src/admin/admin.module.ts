import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { AdminController } from './admin.controller';
import { AdminResourcesController } from './admin-resources.controller';
import { AdminUsersService } from './admin-users.service';

/** Administrators' endpoints: users, the audit log and system-wide resource use. */
@Module({
  imports: [UsersModule, AuthModule],
  controllers: [AdminController, AdminResourcesController],
  providers: [AdminUsersService],
})
export class AdminModule {}
