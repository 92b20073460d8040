import { exposedPort, guessInstallStep, parseDockerfile, userDockerfileStages } from './dockerfile-parser';

describe('parseDockerfile', () => {
  it('counts ARGs before FROM, skips comments and blank lines, and joins continuation lines', () => {
    const instructions = parseDockerfile(
      [
        '# a comment',
        'ARG BASE=node:22',
        'FROM ${BASE}',
        '',
        'RUN apt-get update && \\',
        '    # a comment inside a continuation',
        '    apt-get install -y curl',
        'copy . .',
        'CMD ["node", "server.js"]',
      ].join('\n'),
    );
    expect(instructions.map((instruction) => instruction.keyword)).toEqual([
      'ARG',
      'FROM',
      'RUN',
      'COPY',
      'CMD',
    ]);
    expect(instructions[2]).toEqual({
      keyword: 'RUN',
      args: 'apt-get update && apt-get install -y curl',
      line: 5,
    });
  });

  it('honours the escape parser directive', () => {
    const instructions = parseDockerfile(['# escape=`', 'FROM x', 'RUN a `', '  b', 'RUN c \\'].join('\r\n'));
    expect(instructions.map((instruction) => instruction.args)).toEqual(['x', 'a b', 'c \\']);
  });

  it('maps FROM (and leading ARGs) to setup and everything else to build', () => {
    const stages = userDockerfileStages(
      parseDockerfile('ARG A\nFROM a AS one\nRUN x\nFROM b\nCOPY --from=one / /\n'),
    );
    expect(stages).toEqual(['setup', 'setup', 'build', 'setup', 'build']);
  });
});

describe('exposedPort', () => {
  it('takes the first numeric EXPOSE of the final stage', () => {
    expect(exposedPort(parseDockerfile('FROM a\nEXPOSE 9000\nFROM b\nEXPOSE 3000/tcp 4000\n'))).toBe(3000);
  });

  it('ignores ports given as variables', () => {
    expect(exposedPort(parseDockerfile('FROM a\nEXPOSE $PORT\n'))).toBeUndefined();
  });
});

describe('guessInstallStep', () => {
  it.each([
    ['RUN npm ci', 3],
    ['RUN yarn install --frozen-lockfile', 3],
    ['RUN yarn', 3],
    ['RUN pnpm i --frozen-lockfile', 3],
    ['RUN pip install --no-cache-dir -r requirements.txt', 3],
    ['RUN python -m pip install .', 3],
  ])('finds "%s"', (run, step) => {
    expect(guessInstallStep(parseDockerfile(`FROM a\nCOPY package.json ./\n${run}\nRUN build\n`))).toBe(step);
  });

  it('does not take a global tool install or a build for the dependency install', () => {
    expect(
      guessInstallStep(parseDockerfile('FROM a\nRUN npm install -g pnpm\nRUN yarn build\n')),
    ).toBeUndefined();
  });
});
