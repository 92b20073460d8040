import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SystemHealthDto } from '@slipway/contracts';
import { HeartbeatRegistry } from './heartbeat-registry';

@ApiTags('system')
@Controller('system')
export class SystemController {
  constructor(private readonly heartbeats: HeartbeatRegistry) {}

  @Get('health')
  @ApiOperation({ summary: 'Health of every Slipway service and its dependencies, from their heartbeats' })
  health(): SystemHealthDto {
    return this.heartbeats.snapshot();
  }
}
