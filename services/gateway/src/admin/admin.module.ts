import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { AdminController } from './admin.controller';
import { AdminUsersService } from './admin-users.service';

/** Administrators' endpoints: users and the audit log. */
@Module({
  imports: [UsersModule, AuthModule],
  controllers: [AdminController],
  providers: [AdminUsersService],
})
export class AdminModule {}
