import { ServiceName } from '@slipway/contracts';

export interface HealthOptions {
  service: ServiceName;
  version: string;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
