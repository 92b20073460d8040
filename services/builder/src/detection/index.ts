export {
  type BaseImages,
  type BuildPlan,
  DEFAULT_PORT,
  type DetectStackInput,
  DetectionError,
  EXTRA_CA_BUNDLE,
  GENERATED_DOCKERFILE,
  type InstructionStage,
  type PackageManager,
  type PlanStack,
} from './build-plan';
export { detectStack } from './detect-stack';
export { parseDockerfile, type DockerfileInstruction } from './dockerfile-parser';
export { APP_UID } from './templates';
