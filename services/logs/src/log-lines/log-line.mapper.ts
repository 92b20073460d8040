import { LogLineDto } from '@slipway/contracts';
import { toIsoString } from '@slipway/nest-mongo';
import { LogLineDocument } from './schemas/log-line.schema';

export function toLogLineDto(line: LogLineDocument): LogLineDto {
  return {
    appId: line.appId,
    deploymentId: line.deploymentId,
    source: line.source,
    stream: line.stream,
    timestamp: toIsoString(line.timestamp),
    text: line.text,
    traceId: line.traceId,
  };
}
