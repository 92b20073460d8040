import { LogLineDto } from '@slipway/contracts';
import { toIsoString } from '@slipway/nest-mongo';
import { LogLine } from './schemas/log-line.schema';

export function toLogLineDto(line: LogLine): LogLineDto {
  return {
    appId: line.appId,
    deploymentId: line.deploymentId ?? null,
    source: line.source,
    stream: line.stream,
    stage: line.stage ?? null,
    instance: line.instance ?? null,
    timestamp: toIsoString(line.timestamp),
    seq: line.seq ?? 0,
    level: line.level ?? null,
    display: line.display ?? 'normal',
    text: line.text,
    traceId: line.traceId ?? null,
  };
}
