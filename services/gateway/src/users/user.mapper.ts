import { toIsoString } from '@slipway/nest-mongo';
import { UserDto } from './dto/user.dto';
import { UserDocument } from './schemas/user.schema';

export function toUserDto(user: UserDocument): UserDto {
  return {
    id: user._id.toHexString(),
    email: user.email,
    role: user.role,
    disabledAt: user.disabledAt ? toIsoString(user.disabledAt) : null,
    lastSignInAt: user.lastSignInAt ? toIsoString(user.lastSignInAt) : null,
    createdAt: toIsoString(user.createdAt),
  };
}
