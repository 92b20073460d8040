import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BuildPipeline } from './build-pipeline';
import { BuildsHandler } from './builds.handler';
import { BuildsService } from './builds.service';
import { DockerImageBuilder } from './docker-image-builder';
import { ImageRetention } from './image-retention';
import { Build, BuildSchema } from './schemas/build.schema';

@Module({
  imports: [MongooseModule.forFeature([{ name: Build.name, schema: BuildSchema }])],
  controllers: [BuildsHandler],
  providers: [BuildsService, BuildPipeline, DockerImageBuilder, ImageRetention],
})
export class BuildsModule {}
