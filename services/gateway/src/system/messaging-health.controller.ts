import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { MessagingHealthDto } from '@slipway/contracts';
import { AdminOnly } from '../auth/auth.decorators';
import { MessagingHealth } from './messaging-health.service';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin')
export class MessagingHealthController {
  constructor(private readonly messaging: MessagingHealth) {}

  @Get('messaging')
  @ApiOperation({
    summary: 'JetStream streams, consumers with pending counts, recent parked messages and the build queue',
    description:
      'Read live from JetStream on each call (administrators only). Consumers are sorted by pending work, ' +
      'most first. `buildQueue.pending` counts build requests the builder has not accepted yet.',
  })
  @ApiOkResponse({ description: 'A MessagingHealthDto (see @slipway/contracts).' })
  @ApiUnauthorizedResponse({ description: 'Not signed in.' })
  @ApiForbiddenResponse({ description: 'Signed in, but not an administrator.' })
  @ApiServiceUnavailableResponse({ description: 'NATS or JetStream is not reachable from the gateway.' })
  messagingHealth(): Promise<MessagingHealthDto> {
    return this.messaging.snapshot();
  }
}
