import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { PASSWORD_RULES } from '../../users/passwords';

export class SignUpBody {
  @ApiProperty({ example: 'ann@example.com' })
  @IsEmail({}, { message: 'email must be an email address, like ann@example.com' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ description: PASSWORD_RULES, minLength: 10 })
  @IsString({ message: 'password must be a string' })
  @MaxLength(200, { message: PASSWORD_RULES })
  password!: string;
}

export class LoginBody {
  @ApiProperty({ example: 'ann@example.com' })
  @IsString({ message: 'email must be a string' })
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString({ message: 'password must be a string' })
  @MaxLength(200)
  password!: string;
}

export class RefreshBody {
  @ApiProperty({ description: 'The refresh token from sign-in or the previous refresh (each works once)' })
  @IsString({ message: 'refreshToken must be a string' })
  @MaxLength(200)
  refreshToken!: string;
}
