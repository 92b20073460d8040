import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DeleteEnvVarsRequest,
  EnvVarListDto,
  ImportEnvVarsRequest,
  ListEnvVarsRequest,
  parsePayload,
  QuerySubjects,
  SetEnvVarsRequest,
} from '@slipway/contracts';
import { EnvVarsService } from './env-vars.service';

@Controller()
export class EnvVarsHandler {
  constructor(private readonly envVars: EnvVarsService) {}

  @MessagePattern(QuerySubjects.AppsEnvList)
  list(@Payload() payload: unknown): Promise<EnvVarListDto> {
    return this.envVars.list(parsePayload(ListEnvVarsRequest, payload));
  }

  @MessagePattern(QuerySubjects.AppsEnvSet)
  set(@Payload() payload: unknown): Promise<EnvVarListDto> {
    return this.envVars.set(parsePayload(SetEnvVarsRequest, payload));
  }

  @MessagePattern(QuerySubjects.AppsEnvImport)
  import(@Payload() payload: unknown): Promise<EnvVarListDto> {
    return this.envVars.import(parsePayload(ImportEnvVarsRequest, payload));
  }

  @MessagePattern(QuerySubjects.AppsEnvDelete)
  delete(@Payload() payload: unknown): Promise<EnvVarListDto> {
    return this.envVars.delete(parsePayload(DeleteEnvVarsRequest, payload));
  }
}
