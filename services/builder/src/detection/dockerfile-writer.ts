import type { InstructionStage } from './build-plan';

/** Builds a Dockerfile one instruction per line, recording each instruction's stage as it goes. */
export class DockerfileWriter {
  private readonly lines: string[] = [];
  private readonly instructionStages: InstructionStage[] = [];
  private installStep: number | undefined;

  comment(...text: string[]): this {
    if (this.lines.length > 0) this.lines.push('');
    this.lines.push(...text.map((line) => `# ${line}`));
    return this;
  }

  add(stage: InstructionStage, instruction: string): this {
    if (/[\r\n]/.test(instruction))
      throw new Error(`a generated instruction must be one line: ${instruction}`);
    this.lines.push(instruction);
    this.instructionStages.push(stage);
    return this;
  }

  /** Adds the instruction that installs dependencies and remembers its step number. */
  addInstall(instruction: string): this {
    this.add('install', instruction);
    this.installStep = this.instructionStages.length;
    return this;
  }

  get stages(): InstructionStage[] {
    return [...this.instructionStages];
  }

  get dependencyInstallStep(): number | undefined {
    return this.installStep;
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
