import { Controller, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ArchiveUploadDto, UploadsService } from './uploads.service';

@ApiTags('uploads')
@Controller('uploads')
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post()
  @ApiOperation({ summary: 'Upload a source archive (zip, tar or tar.gz) as the raw request body' })
  @ApiConsumes('application/zip', 'application/gzip', 'application/x-tar', 'application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  upload(@Req() request: Request): Promise<ArchiveUploadDto> {
    const length = request.headers['content-length'];
    return this.uploads.store(request, length === undefined ? undefined : Number(length));
  }
}
