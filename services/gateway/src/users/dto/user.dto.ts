import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, UserRole } from '@slipway/contracts';

export class UserDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ enum: USER_ROLES })
  role!: UserRole;

  @ApiProperty({ type: String, nullable: true, description: 'When an administrator disabled the account' })
  disabledAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  lastSignInAt!: string | null;

  @ApiProperty()
  createdAt!: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] })
  items!: UserDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}
