import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DependencyProbes, runProbe } from './dependency-probe';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly probes: DependencyProbes,
  ) {}

  /** The process is alive and its event loop answers; dependencies do not matter here. */
  @Get('live')
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /** Ready to serve: every dependency answers. 503 with the failing ones otherwise. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      this.probes.list().map((probe) => async () => {
        const result = await runProbe(probe);
        const session = this.indicators.check(probe.name);
        const details = { detail: result.detail ?? null, latencyMs: result.latencyMs ?? null };
        return result.status === 'up' ? session.up(details) : session.down(details);
      }),
    );
  }
}
