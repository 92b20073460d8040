import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SystemHealthDto } from '@slipway/contracts';
import { PublicRoute } from '../auth/public-route.decorator';
import { HeartbeatRegistry } from './heartbeat-registry';

@ApiTags('system')
@Controller('system')
export class SystemController {
  constructor(private readonly heartbeats: HeartbeatRegistry) {}

  @Get('health')
  // Public like /health/*: the portal's status page shows it before anyone signs in.
  @PublicRoute()
  @ApiOperation({ summary: 'Health of every Slipway service and its dependencies, from their heartbeats' })
  health(): SystemHealthDto {
    return this.heartbeats.snapshot();
  }
}
