import { toIsoString } from '@slipway/nest-mongo';
import { ApiTokenDto } from './dto/api-token.dto';
import { ApiTokenDocument } from './schemas/api-token.schema';

const orNull = (value: Date | null): string | null => (value ? toIsoString(value) : null);

export function toApiTokenDto(token: ApiTokenDocument): ApiTokenDto {
  return {
    id: token._id.toHexString(),
    name: token.name,
    scopes: [...token.scopes],
    displayPrefix: token.displayPrefix,
    createdAt: toIsoString(token.createdAt),
    expiresAt: orNull(token.expiresAt),
    lastUsedAt: orNull(token.lastUsedAt),
    revokedAt: orNull(token.revokedAt),
  };
}
