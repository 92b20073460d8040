import { AppPlan } from '@slipway/contracts';
import { RuntimeConfig } from '../config/runtime.config';
import { PlanResources } from '../driver/runtime-driver';

/** The resources behind each plan name, from configuration. */
export function planResources(plan: AppPlan, config: RuntimeConfig): PlanResources {
  return plan === 'pro'
    ? { memoryMb: config.PLAN_PRO_MEMORY_MB, cpus: config.PLAN_PRO_MILLICPUS / 1000 }
    : { memoryMb: config.PLAN_STARTER_MEMORY_MB, cpus: config.PLAN_STARTER_MILLICPUS / 1000 };
}
