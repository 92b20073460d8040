import { ApiProperty, OmitType } from '@nestjs/swagger';
import { ScaleAppRequest, SetDomainsRequest } from '@slipway/contracts';

export class ScaleAppBody extends OmitType(ScaleAppRequest, ['actor', 'appId'] as const) {
  @ApiProperty({ minimum: 1, maximum: 20, example: 2 })
  declare replicas: number;
}

export class SetDomainsBody extends OmitType(SetDomainsRequest, ['actor', 'appId'] as const) {
  @ApiProperty({ type: [String], example: ['www.example.com'] })
  declare domains: string[];
}
