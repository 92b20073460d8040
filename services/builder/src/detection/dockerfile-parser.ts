import type { InstructionStage } from './build-plan';

export interface DockerfileInstruction {
  /** Upper-cased: FROM, RUN, COPY ... */
  keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  args: string;
  /** 1-based line the instruction starts on. */
  line: number;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/;

/**
 * Splits a Dockerfile into instructions the way Docker's parser does: parser directives (`# escape=`) at the
 * top, `#` comment lines (also inside continuations) and blank lines skipped, lines ending in the escape
 * character joined. Docker's classic builder numbers exactly these ("Step N/M"), ARGs before the first FROM
 * included. Heredocs are a BuildKit feature and are not understood here (nor by the classic builder).
 */
export function parseDockerfile(text: string): DockerfileInstruction[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  let index = 0;
  for (; index < lines.length; index++) {
    const match = DIRECTIVE.exec(lines[index] ?? '');
    if (!match) break;
    if (match[1]?.toLowerCase() === 'escape' && (match[2] === '`' || match[2] === '\\')) escape = match[2];
  }

  const instructions: DockerfileInstruction[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  for (; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const withoutTrailing = raw.trimEnd();
    const continues = withoutTrailing.endsWith(escape);
    const part = continues ? withoutTrailing.slice(0, -escape.length) : withoutTrailing;
    pending ??= { parts: [], line: index + 1 };
    pending.parts.push(part.trim());
    if (continues) continue;
    instructions.push(toInstruction(pending.parts.join(' '), pending.line));
    pending = undefined;
  }
  if (pending) instructions.push(toInstruction(pending.parts.join(' '), pending.line));
  return instructions.filter((instruction) => instruction.keyword !== '');
}

function toInstruction(logicalLine: string, line: number): DockerfileInstruction {
  const match = /^(\S+)\s*(.*)$/.exec(logicalLine.trim());
  return { keyword: (match?.[1] ?? '').toUpperCase(), args: match?.[2] ?? '', line };
}

/** A user's own Dockerfile: FROM (and ARGs before the first FROM) are setup, everything else is build. */
export function userDockerfileStages(instructions: DockerfileInstruction[]): InstructionStage[] {
  let seenFrom = false;
  return instructions.map((instruction) => {
    if (instruction.keyword === 'FROM') {
      seenFrom = true;
      return 'setup';
    }
    return seenFrom ? 'build' : 'setup';
  });
}

/** The first numeric port the final stage EXPOSEs (`EXPOSE 3000/tcp` → 3000); undefined for `EXPOSE $PORT`. */
export function exposedPort(instructions: DockerfileInstruction[]): number | undefined {
  const lastFrom = instructions.map((instruction) => instruction.keyword).lastIndexOf('FROM');
  for (const instruction of instructions.slice(lastFrom + 1)) {
    if (instruction.keyword !== 'EXPOSE') continue;
    const match = /^(\d{1,5})(?:\/(?:tcp|udp))?$/i.exec(instruction.args.split(/\s+/)[0] ?? '');
    const port = match ? Number(match[1]) : NaN;
    if (port >= 1 && port <= 65535) return port;
  }
  return undefined;
}

const INSTALL_COMMANDS = [
  /\bnpm\s+(?:ci|install|i)\b/,
  /\byarn(?:\s+install\b|\s*$|\s*[;&|]|\s+--)/,
  /\bpnpm\s+(?:install|i)\b/,
  /\b(?:pip3?|python3?\s+-m\s+pip)\s+install\b/,
  /\b(?:poetry\s+install|uv\s+sync|pipenv\s+install|bundle\s+install|go\s+mod\s+download|composer\s+install)\b/,
];

/**
 * Best guess at the step of a user's Dockerfile that installs dependencies: the first RUN that calls a package
 * manager's install (global tool installs such as `npm install -g pnpm` do not count). Only used to report
 * dependency cache hits; undefined when nothing looks like one.
 */
export function guessInstallStep(instructions: DockerfileInstruction[]): number | undefined {
  const index = instructions.findIndex(
    (instruction) =>
      instruction.keyword === 'RUN' &&
      INSTALL_COMMANDS.some((pattern) => pattern.test(instruction.args)) &&
      !/\s(?:-g|--global)\b/.test(instruction.args),
  );
  return index >= 0 ? index + 1 : undefined;
}
