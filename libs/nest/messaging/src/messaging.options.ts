import { ServiceName } from '@slipway/contracts';

export interface MessagingOptions {
  service: ServiceName;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
