import type { ServiceHealthDto, SystemHealthDto } from '@slipway/contracts';

const SERVICE_STATES: readonly string[] = ['up', 'degraded', 'down'];

/**
 * A shallow shape check of `GET /api/v1/system/health` at the boundary, so a wrong or truncated answer
 * becomes a clear error instead of a broken page. It checks what the portal reads, not every field.
 */
export function isSystemHealthDto(value: unknown): value is SystemHealthDto {
  if (!isRecord(value)) {
    return false;
  }
  return (
    SERVICE_STATES.includes(value['status'] as string) &&
    typeof value['generatedAt'] === 'string' &&
    !Number.isNaN(Date.parse(value['generatedAt'])) &&
    Array.isArray(value['services']) &&
    value['services'].every(isServiceHealthDto)
  );
}

function isServiceHealthDto(value: unknown): value is ServiceHealthDto {
  return (
    isRecord(value) &&
    typeof value['name'] === 'string' &&
    SERVICE_STATES.includes(value['status'] as string) &&
    isStringOrNull(value['version']) &&
    isStringOrNull(value['lastSeenAt']) &&
    (value['uptimeSeconds'] === null || typeof value['uptimeSeconds'] === 'number') &&
    Array.isArray(value['dependencies']) &&
    value['dependencies'].every(
      (dependency) =>
        isRecord(dependency) &&
        typeof dependency['name'] === 'string' &&
        (dependency['status'] === 'up' || dependency['status'] === 'down'),
    )
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}
