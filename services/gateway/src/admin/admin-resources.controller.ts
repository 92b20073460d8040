import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { QuerySubjects, SystemResourcesDto } from '@slipway/contracts';
import { RpcClient } from '@slipway/nest-messaging';
import { AdminOnly } from '../auth/auth.decorators';
import { ResourcesQueryParams } from './dto/resources-query.params';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin')
export class AdminResourcesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('resources')
  @ApiOperation({
    summary:
      'Containers, CPU and memory of every app together, over the last hour or day (administrators only)',
    description:
      'Asks the runtime (`rpc.runtime.resources`). `buckets` hold, per time bucket, the containers that were ' +
      'sampled in it and the sum of their average CPU (100 = one core) and memory; `current` counts ' +
      'containers and apps as they are now.',
  })
  @ApiOkResponse({ description: 'A SystemResourcesDto (see @slipway/contracts).' })
  @ApiBadRequestResponse({ description: 'An unknown window.' })
  @ApiUnauthorizedResponse({ description: 'Not signed in.' })
  @ApiForbiddenResponse({ description: 'Signed in, but not an administrator.' })
  @ApiServiceUnavailableResponse({ description: 'The runtime did not answer.' })
  resources(@Query() query: ResourcesQueryParams): Promise<SystemResourcesDto> {
    return this.rpc.request<SystemResourcesDto>(
      QuerySubjects.RuntimeResources,
      query.window ? { window: query.window } : {},
    );
  }
}
