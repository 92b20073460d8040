export const SERVICE_NAMES = ['gateway', 'apps', 'builder', 'runtime', 'logs'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}
