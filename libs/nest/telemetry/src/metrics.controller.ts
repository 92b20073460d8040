import { Controller, Get, Header } from '@nestjs/common';
import { MetricsRegistry } from './metrics';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  render(): string {
    return this.registry.render();
  }
}
