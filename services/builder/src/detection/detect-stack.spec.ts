import ignore from '@balena/dockerignore';
import type { BuildSettings } from '@slipway/contracts';
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyFixture, type FixtureName, FIXTURE_NAMES, fixturePath, removeCopy } from '../../test/fixtures';
import { type BaseImages, type BuildPlan, DetectionError, type InstructionStage } from './build-plan';
import { parseDockerfile } from './dockerfile-parser';
import { DEFAULT_DOCKERIGNORE, DOCKERFILE_EXCLUSION } from './dockerignore';
import { detectStack } from './detect-stack';

const baseImages: BaseImages = {
  node: 'slipway-local/node:20-bookworm',
  python: 'slipway-local/python:3.11-bookworm',
  static: 'slipway-local/static:bookworm',
};

const copies: string[] = [];

/** A fresh copy of a fixture, optionally changed before detection runs. */
async function fixture(name: FixtureName, change?: (dir: string) => Promise<unknown>): Promise<string> {
  const dir = await copyFixture(name);
  copies.push(dir);
  await change?.(dir);
  return dir;
}

async function detect(
  name: FixtureName,
  settings: BuildSettings = {},
  change?: (dir: string) => Promise<unknown>,
) {
  return detectStack({ sourceDir: await fixture(name, change), settings, baseImages });
}

async function detectionError(promise: Promise<unknown>): Promise<DetectionError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DetectionError);
  return error as DetectionError;
}

async function editJson(file: string, edit: (json: Record<string, unknown>) => void): Promise<void> {
  const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  await writeFile(file, JSON.stringify(json, null, 2));
}

/** The generated Dockerfile's instruction lines (comments and blank lines dropped). */
function instructions(plan: BuildPlan): string[] {
  return plan.dockerfile.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

function indexOfLine(plan: BuildPlan, line: string): number {
  const index = instructions(plan).indexOf(line);
  if (index < 0) throw new Error(`no line "${line}" in:\n${plan.dockerfile}`);
  return index;
}

const STAGE_ORDER: InstructionStage[] = ['setup', 'install', 'build', 'export'];

/** What every generated plan must satisfy, whatever the stack. */
async function expectWellFormed(plan: BuildPlan): Promise<void> {
  expect(plan.dockerfilePath).toBe('.slipway/Dockerfile');
  expect(await readFile(join(plan.contextDir, plan.dockerfilePath), 'utf8')).toBe(plan.dockerfile);
  const parsed = parseDockerfile(plan.dockerfile);
  expect(plan.instructionStages).toHaveLength(parsed.length);
  expect(instructions(plan)).toHaveLength(parsed.length);
  // Stages only move forward, so "Step N/M" never sends the progress bar back.
  const order = plan.instructionStages.map((stage) => STAGE_ORDER.indexOf(stage));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  if (plan.dependencyInstallStep !== undefined) {
    expect(plan.instructionStages[plan.dependencyInstallStep - 1]).toBe('install');
    expect(parsed[plan.dependencyInstallStep - 1]?.keyword).toBe('RUN');
  }
  const finalStage = parsed.slice(parsed.map((instruction) => instruction.keyword).lastIndexOf('FROM'));
  const user = finalStage.filter((instruction) => instruction.keyword === 'USER').pop();
  expect(user?.args).toBe('10001:10001');
  expect(finalStage.map((instruction) => `${instruction.keyword} ${instruction.args}`)).toEqual(
    expect.arrayContaining([`ENV PORT=${plan.port}`, `EXPOSE ${plan.port}`]),
  );
  expect(existsSync(join(plan.contextDir, '.dockerignore'))).toBe(true);
}

afterAll(async () => {
  await Promise.all(copies.map((dir) => removeCopy(dir)));
  // Detection writes into what it is given: the fixtures themselves must stay untouched.
  for (const name of FIXTURE_NAMES) {
    expect(existsSync(join(fixturePath(name), '.slipway'))).toBe(false);
    expect(existsSync(join(fixturePath(name), '.dockerignore'))).toBe(false);
  }
});

describe('detectStack: Node.js', () => {
  it('detects npm from package-lock.json and installs from the lockfile before copying the source', async () => {
    const plan = await detect('node-npm');

    expect(plan.stack).toBe('node');
    expect(plan.packageManager).toBe('npm');
    expect(plan.port).toBe(8080);
    expect(plan.reasons).toEqual([
      'found package.json',
      'package-lock.json → npm',
      'engines.node ">=18": the base image provides Node.js 20',
      'install: npm ci',
      'no build script in package.json: nothing to build',
      'start: npm start (package.json scripts.start)',
      'port: 8080 (default; the app must listen on $PORT)',
      'no .dockerignore: using one that leaves out .git, node_modules and Python caches',
    ]);
    const copyManifests = indexOfLine(plan, 'COPY --chown=10001:10001 package.json package-lock.json ./');
    const install = indexOfLine(plan, 'RUN npm ci');
    const copySource = indexOfLine(plan, 'COPY --chown=10001:10001 . .');
    expect(copyManifests).toBeLessThan(install);
    expect(install).toBeLessThan(copySource);
    expect(indexOfLine(plan, 'USER 10001:10001')).toBeLessThan(install);
    expect(indexOfLine(plan, 'ENV NODE_ENV=production')).toBeGreaterThan(install);
    expect(plan.dependencyInstallStep).toBe(install + 1);
    expect(instructions(plan).at(-1)).toBe('CMD exec npm start');
    expect(plan.contextDir).toBe(await realpath(copies.at(-1) ?? ''));
    await expectWellFormed(plan);
  });

  it('detects yarn from yarn.lock and enables it through corepack', async () => {
    const plan = await detect('node-yarn');

    expect(plan.packageManager).toBe('yarn');
    expect(plan.reasons).toContain('yarn.lock → yarn');
    expect(plan.reasons).toContain('start: yarn start (package.json scripts.start)');
    expect(indexOfLine(plan, 'RUN corepack enable yarn')).toBeLessThan(indexOfLine(plan, 'USER 10001:10001'));
    expect(indexOfLine(plan, 'COPY --chown=10001:10001 package.json yarn.lock ./')).toBeLessThan(
      indexOfLine(plan, 'RUN yarn install --frozen-lockfile'),
    );
    expect(plan.dockerfile).toContain('COREPACK_DEFAULT_TO_LATEST=0');
    await expectWellFormed(plan);
  });

  it('detects pnpm from pnpm-lock.yaml and copies its config with the lockfile', async () => {
    const plan = await detect('node-npm', {}, async (dir) => {
      await rm(join(dir, 'package-lock.json'));
      await writeFile(join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
      await writeFile(join(dir, '.npmrc'), 'auto-install-peers=true\n');
    });

    expect(plan.packageManager).toBe('pnpm');
    expect(plan.reasons).toContain('pnpm-lock.yaml → pnpm');
    expect(instructions(plan)).toContain('COPY --chown=10001:10001 package.json pnpm-lock.yaml .npmrc ./');
    expect(instructions(plan)).toContain('RUN pnpm install --frozen-lockfile');
    expect(instructions(plan)).toContain('CMD exec pnpm start');
    await expectWellFormed(plan);
  });

  it('follows the packageManager field over the lockfile, and says so', async () => {
    const plan = await detect('node-yarn', {}, (dir) =>
      editJson(join(dir, 'package.json'), (json) => {
        json['packageManager'] = 'pnpm@9.12.0';
      }),
    );

    expect(plan.packageManager).toBe('pnpm');
    expect(plan.reasons).toEqual(
      expect.arrayContaining([
        'packageManager pnpm@9.12.0 → pnpm (via corepack)',
        'warning: yarn.lock belongs to yarn, not pnpm; it is ignored',
        'install: pnpm install',
      ]),
    );
  });

  it('uses --immutable for a Yarn 2+ project and copies its .yarn/releases', async () => {
    const plan = await detect('node-yarn', {}, async (dir) => {
      await writeFile(join(dir, '.yarnrc.yml'), 'yarnPath: .yarn/releases/yarn-4.5.0.cjs\n');
      await mkdir(join(dir, '.yarn', 'releases'), { recursive: true });
      await writeFile(join(dir, '.yarn', 'releases', 'yarn-4.5.0.cjs'), '');
    });

    expect(instructions(plan)).toEqual(
      expect.arrayContaining([
        'COPY --chown=10001:10001 package.json yarn.lock .yarnrc.yml ./',
        'COPY --chown=10001:10001 .yarn/releases ./.yarn/releases',
        'RUN yarn install --immutable',
      ]),
    );
    expect(plan.reasons.some((reason) => reason.includes('Yarn 2+ project without a "packageManager"'))).toBe(
      true,
    );
    await expectWellFormed(plan);
  });

  it('warns about two lockfiles and uses one', async () => {
    const plan = await detect('node-yarn', {}, (dir) => writeFile(join(dir, 'package-lock.json'), '{}'));
    expect(plan.packageManager).toBe('yarn');
    expect(plan.reasons).toContain(
      'warning: also found package-lock.json; using yarn.lock (delete the others, or set "packageManager" in package.json)',
    );
  });

  it('runs the build script after copying the source', async () => {
    const plan = await detect('node-build-step');

    expect(plan.reasons).toContain('build script found: npm run build');
    expect(indexOfLine(plan, 'RUN npm run build')).toBeGreaterThan(
      indexOfLine(plan, 'COPY --chown=10001:10001 . .'),
    );
    expect(plan.instructionStages[indexOfLine(plan, 'RUN npm run build')]).toBe('build');
    await expectWellFormed(plan);
  });

  it('plans a failing build like any other: the failure belongs to the build itself', async () => {
    const plan = await detect('broken-node');
    expect(plan.stack).toBe('node');
    expect(instructions(plan)).toContain('RUN npm run build');
  });

  it('warns, without failing, when engines.node excludes the base image’s Node.js', async () => {
    const plan = await detect('node-npm', {}, (dir) =>
      editJson(join(dir, 'package.json'), (json) => {
        json['engines'] = { node: '^18' };
      }),
    );
    expect(plan.reasons).toContain(
      'warning: engines.node "^18" excludes Node.js 20 of the base image slipway-local/node:20-bookworm; building anyway (change engines.node, or the node base image)',
    );
  });

  it('installs after copying everything when package.json has a postinstall script', async () => {
    const plan = await detect('node-npm', {}, (dir) =>
      editJson(join(dir, 'package.json'), (json) => {
        json['scripts'] = { start: 'node server.js', postinstall: 'node scripts/generate.js' };
      }),
    );
    expect(indexOfLine(plan, 'COPY --chown=10001:10001 . .')).toBeLessThan(indexOfLine(plan, 'RUN npm ci'));
    expect(plan.reasons.some((reason) => reason.startsWith('package.json has a postinstall script'))).toBe(
      true,
    );
    await expectWellFormed(plan);
  });

  it.each([
    [
      'a Procfile web: line over scripts.start',
      'Procfile',
      'web: node server.js --cluster',
      'node server.js --cluster',
    ],
    ['"main" without a start script', 'main', 'server.js', 'node server.js'],
    ['server.js without start script or main', 'server.js', '', 'node server.js'],
  ])('takes %s as the start command', async (_case, kind, value, expected) => {
    const plan = await detect('node-npm', {}, async (dir) => {
      if (kind === 'Procfile') {
        await writeFile(join(dir, 'Procfile'), `${value}\n`);
        return;
      }
      await editJson(join(dir, 'package.json'), (json) => {
        json['scripts'] = {};
        if (kind === 'main') json['main'] = value;
        else delete json['main'];
      });
    });
    expect(instructions(plan).at(-1)).toBe(`CMD exec ${expected}`);
  });

  it('refuses a Node.js app it cannot start, saying how to add a start script', async () => {
    const error = await detectionError(
      detect('node-npm', {}, async (dir) => {
        await rename(join(dir, 'server.js'), join(dir, 'app.js'));
        await editJson(join(dir, 'package.json'), (json) => {
          json['scripts'] = {};
          delete json['main'];
        });
      }),
    );
    expect(error.message).toContain('package.json has no way to start the app');
    expect(error.message).toContain('"scripts": { "start": "node server.js" }');
  });
});

describe('detectStack: static sites', () => {
  it('serves a folder with index.html and no package.json with Caddy', async () => {
    const plan = await detect('static-site');

    expect(plan.stack).toBe('static');
    expect(plan.packageManager).toBeUndefined();
    expect(plan.reasons[0]).toBe('found index.html and no package.json: a static site, served by Caddy');
    expect(instructions(plan)).toEqual([
      'FROM slipway-local/static:bookworm',
      'ENV XDG_CONFIG_HOME=/tmp/caddy/config XDG_DATA_HOME=/tmp/caddy/data',
      'COPY .slipway/Caddyfile /etc/caddy/Caddyfile',
      'COPY . /srv',
      'USER 10001:10001',
      'ENV PORT=8080',
      'EXPOSE 8080',
      'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]',
    ]);
    expect(await readFile(join(plan.contextDir, '.slipway/Caddyfile'), 'utf8')).toContain(':{$PORT} {');
    await expectWellFormed(plan);
  });

  it('serves only the static output directory when it is set', async () => {
    const plan = await detect('static-site', { staticOutputDir: 'public' }, async (dir) => {
      await mkdir(join(dir, 'public'));
      await rename(join(dir, 'index.html'), join(dir, 'public', 'index.html'));
    });
    expect(plan.reasons[0]).toBe(
      'found public/index.html (static output directory setting): a static site, served by Caddy',
    );
    expect(instructions(plan)).toContain('COPY public /srv');
  });

  it('builds a front-end with Node.js and serves its output with Caddy', async () => {
    const plan = await detect('node-build-step', {}, async (dir) => {
      await rm(join(dir, 'server.js'));
      await editJson(join(dir, 'package.json'), (json) => {
        json['scripts'] = { build: 'node build.js' };
      });
    });

    expect(plan.stack).toBe('static');
    expect(plan.packageManager).toBe('npm');
    expect(plan.reasons).toContain(
      'no start command, but a build step: a static site built with Node.js, served by Caddy',
    );
    const lines = instructions(plan);
    expect(lines[0]).toBe('FROM slipway-local/node:20-bookworm AS build');
    expect(lines).toContain('FROM slipway-local/static:bookworm');
    expect(lines).toContain('COPY --from=build /tmp/slipway-site /srv');
    expect(lines.some((line) => line.startsWith('RUN for dir in dist build out public;'))).toBe(true);
    expect(plan.instructionStages[lines.indexOf('FROM slipway-local/static:bookworm')]).toBe('export');
    await expectWellFormed(plan);
  });

  it('copies the static output directory of a Node.js build when it is set', async () => {
    const plan = await detect('node-build-step', { staticOutputDir: 'dist' }, (dir) =>
      editJson(join(dir, 'package.json'), (json) => {
        json['scripts'] = { build: 'node build.js' };
      }),
    );
    expect(plan.stack).toBe('static');
    expect(instructions(plan)).toContain('COPY --from=build /app/dist /srv');
    expect(instructions(plan).some((line) => line.startsWith('RUN for dir'))).toBe(false);
    await expectWellFormed(plan);
  });
});

describe('detectStack: Python', () => {
  it('installs requirements.txt into a virtualenv and starts the Procfile web: command', async () => {
    const plan = await detect('python-app');

    expect(plan.stack).toBe('python');
    expect(plan.reasons).toEqual([
      'found requirements.txt',
      'install: pip install -r requirements.txt in a virtualenv (/opt/venv)',
      'start: python app.py (Procfile web:)',
      'port: 8080 (default; the app must listen on $PORT)',
      'no .dockerignore: using one that leaves out .git, node_modules and Python caches',
    ]);
    const install = indexOfLine(plan, 'RUN pip install -r requirements.txt');
    expect(indexOfLine(plan, 'RUN python3 -m venv /opt/venv')).toBeLessThan(install);
    expect(indexOfLine(plan, 'COPY --chown=10001:10001 requirements.txt ./')).toBeLessThan(install);
    expect(install).toBeLessThan(indexOfLine(plan, 'COPY --chown=10001:10001 . .'));
    expect(plan.dependencyInstallStep).toBe(install + 1);
    expect(instructions(plan).at(-1)).toBe('CMD exec python app.py');
    await expectWellFormed(plan);
  });

  it('stays a Python app when an index.html sits next to requirements.txt', async () => {
    const plan = await detect('python-app', {}, (dir) =>
      writeFile(join(dir, 'index.html'), '<h1>home</h1>\n'),
    );
    expect(plan.stack).toBe('python');
    expect(plan.reasons[0]).toBe('found index.html too, but a Python app serves its own pages');
  });

  it('installs a pyproject.toml project with pip install . after copying the source', async () => {
    const plan = await detect('python-app', {}, async (dir) => {
      await rm(join(dir, 'requirements.txt'));
      await writeFile(join(dir, 'pyproject.toml'), '[project]\nname = "app"\nversion = "1.0.0"\n');
    });
    expect(indexOfLine(plan, 'COPY --chown=10001:10001 . .')).toBeLessThan(
      indexOfLine(plan, 'RUN pip install .'),
    );
    await expectWellFormed(plan);
  });

  it('installs after copying everything when requirements.txt installs the project itself', async () => {
    const plan = await detect('python-app', {}, (dir) =>
      writeFile(join(dir, 'requirements.txt'), 'idna\n-e .\n'),
    );
    expect(indexOfLine(plan, 'COPY --chown=10001:10001 . .')).toBeLessThan(
      indexOfLine(plan, 'RUN pip install -r requirements.txt'),
    );
  });

  it('refuses a Python app without a start command, suggesting a Procfile web: line', async () => {
    const error = await detectionError(detect('python-app', {}, (dir) => rm(join(dir, 'Procfile'))));
    expect(error.message).toContain('Procfile');
    expect(error.message).toContain('gunicorn app:app --bind 0.0.0.0:$PORT');
  });
});

describe('detectStack: Dockerfile', () => {
  it('uses the repository’s Dockerfile as it is, one stage per instruction', async () => {
    const plan = await detect('dockerfile-app');

    expect(plan.stack).toBe('dockerfile');
    expect(plan.dockerfilePath).toBe('Dockerfile');
    expect(plan.dockerfile).toBe(await readFile(join(fixturePath('dockerfile-app'), 'Dockerfile'), 'utf8'));
    // ARG before FROM is a step of its own in Docker's classic builder.
    expect(plan.instructionStages).toEqual([
      'setup',
      'setup',
      'build',
      'build',
      'build',
      'build',
      'build',
      'build',
      'build',
    ]);
    expect(plan.dependencyInstallStep).toBeUndefined();
    expect(plan.port).toBe(3000);
    expect(plan.reasons).toEqual([
      'found Dockerfile: building it as it is',
      'build context: .',
      'port: 3000 (EXPOSE in the Dockerfile; the app must listen on it, or on $PORT)',
    ]);
    expect(existsSync(join(plan.contextDir, '.slipway'))).toBe(false);
    expect(existsSync(join(plan.contextDir, '.dockerignore'))).toBe(false);
  });

  it('takes the Dockerfile from dockerfilePath, and the port from the settings', async () => {
    const plan = await detect(
      'dockerfile-app',
      { dockerfilePath: 'deploy/app.Dockerfile', port: 9000 },
      async (dir) => {
        await mkdir(join(dir, 'deploy'));
        await rename(join(dir, 'Dockerfile'), join(dir, 'deploy', 'app.Dockerfile'));
      },
    );
    expect(plan.dockerfilePath).toBe('deploy/app.Dockerfile');
    expect(plan.port).toBe(9000);
    expect(plan.reasons[0]).toBe(
      'found deploy/app.Dockerfile (dockerfilePath setting): building it as it is',
    );
  });

  it('applies dockerContext relative to the root directory', async () => {
    const plan = await detect('monorepo', { rootDirectory: 'apps/api', dockerContext: '../..' }, (dir) =>
      writeFile(join(dir, 'apps', 'api', 'Dockerfile'), 'FROM scratch\nCOPY apps/api /app\n'),
    );
    expect(plan.contextDir).toBe(await realpath(copies.at(-1) ?? ''));
    expect(plan.dockerfilePath).toBe('apps/api/Dockerfile');
  });

  it('refuses a dockerfilePath that does not exist', async () => {
    const error = await detectionError(detect('dockerfile-app', { dockerfilePath: 'Dockerfile.prod' }));
    expect(error.message).toContain('dockerfilePath "Dockerfile.prod" does not exist');
  });

  it('refuses a Dockerfile that is a link to a file outside the repository', async () => {
    const error = await detectionError(
      detect('dockerfile-app', {}, async (dir) => {
        await rm(join(dir, 'Dockerfile'));
        await symlink('/etc/hostname', join(dir, 'Dockerfile'));
      }),
    );
    expect(error.message).toContain('symbolic link');
  });
});

describe('detectStack: settings', () => {
  it('uses the install, build and start command settings instead of what it detects', async () => {
    const plan = await detect('node-npm', {
      installCommand: 'npm install --legacy-peer-deps',
      buildCommand: 'npm run compile',
      startCommand: 'node server.js --port $PORT',
      port: 3000,
    });

    expect(plan.reasons).toEqual(
      expect.arrayContaining([
        'install: npm install --legacy-peer-deps (install command setting; runs after copying the whole source, so it is not cached by lockfile)',
        'build: npm run compile (build command setting)',
        'start: node server.js --port $PORT (start command setting)',
        'port: 3000 (port setting; the app must listen on $PORT)',
      ]),
    );
    const lines = instructions(plan);
    expect(lines.indexOf('COPY --chown=10001:10001 . .')).toBeLessThan(
      lines.indexOf('RUN npm install --legacy-peer-deps'),
    );
    expect(lines).toContain('RUN npm run compile');
    expect(lines.at(-1)).toBe('CMD exec node server.js --port $PORT');
    expect(plan.port).toBe(3000);
    await expectWellFormed(plan);
  });

  it('refuses a command that would span lines of the Dockerfile', async () => {
    const error = await detectionError(detect('node-npm', { startCommand: 'node server.js\nRUN rm -rf /' }));
    expect(error.message).toContain('startCommand must be a single, non-empty line');
  });

  it('builds the app in rootDirectory, noting a lockfile it cannot see', async () => {
    const api = await detect('monorepo', { rootDirectory: 'apps/api' });
    expect(api.stack).toBe('node');
    expect(api.contextDir).toBe(join(await realpath(copies.at(-1) ?? ''), 'apps', 'api'));
    expect(api.reasons.slice(0, 3)).toEqual([
      'root directory: apps/api',
      'found package.json',
      'no lockfile → npm',
    ]);
    expect(api.reasons).toContain(
      'note: package-lock.json is outside the root directory, so the build cannot use it',
    );
    expect(instructions(api)).toContain('RUN npm install');
    await expectWellFormed(api);

    const web = await detect('monorepo', { rootDirectory: 'apps/web/' });
    expect(web.stack).toBe('static');
    await expectWellFormed(web);
  });

  it('points at the apps inside a monorepo when the root has none', async () => {
    const error = await detectionError(detect('monorepo'));
    expect(error.message).toContain('package.json declares workspaces');
    expect(error.message).toContain(
      'set the root directory; found: apps/api/package.json, apps/web/index.html',
    );
  });

  it.each([['../'], ['apps/../../elsewhere'], ['/etc'], ['C:\\repo']])(
    'refuses rootDirectory "%s", which leaves the repository',
    async (rootDirectory) => {
      const error = await detectionError(detect('monorepo', { rootDirectory }));
      expect(error.message).toMatch(/points outside the repository|is an absolute path/);
    },
  );

  it('refuses a rootDirectory that leaves the repository through a symbolic link', async () => {
    const error = await detectionError(
      detect('monorepo', { rootDirectory: 'apps/linked' }, (dir) =>
        symlink('/tmp', join(dir, 'apps', 'linked')),
      ),
    );
    expect(error.message).toContain('symbolic link');
  });

  it('refuses a rootDirectory that does not exist, listing the folders that do', async () => {
    const error = await detectionError(detect('monorepo', { rootDirectory: 'apps/admin' }));
    expect(error.message).toBe(
      'rootDirectory "apps/admin" does not exist in the repository. Buildable folders found: apps/api, apps/web.',
    );
  });
});

describe('detectStack: nothing to build', () => {
  it('fails with what it looked for and how to fix it', async () => {
    const error = await detectionError(detect('nothing'));
    expect(error.message).toBe(
      'Could not tell how to build the repository: looked for a Dockerfile, package.json (Node.js), index.html ' +
        '(static site), and requirements.txt or pyproject.toml (Python), and found none. Add a Dockerfile, or one ' +
        'of those files.',
    );
  });
});

describe('detectStack: build context', () => {
  it('copies the extra CA bundle first and points every tool at it', async () => {
    for (const name of ['node-npm', 'python-app'] as const) {
      const plan = await detectStack({
        sourceDir: await fixture(name),
        settings: {},
        baseImages,
        extraCaBundle: true,
      });
      const lines = instructions(plan);
      expect(lines[1]).toBe('COPY .slipway/ca.crt /etc/ssl/certs/slipway-extra-ca.crt');
      const env = lines.find((line) => line.startsWith('ENV NODE_EXTRA_CA_CERTS='));
      expect(env).toBe(
        'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/slipway-extra-ca.crt SSL_CERT_FILE=/etc/ssl/certs/slipway-ca-bundle.crt ' +
          'PIP_CERT=/etc/ssl/certs/slipway-ca-bundle.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/slipway-ca-bundle.crt',
      );
      expect(lines.indexOf(env ?? '')).toBeLessThan(plan.dependencyInstallStep ?? 0);
      await expectWellFormed(plan);
    }
  });

  it('writes a .dockerignore that keeps node_modules and .git out when the repository has none', async () => {
    const plan = await detect('node-npm');
    const rules = ignore().add(await readFile(join(plan.contextDir, '.dockerignore'), 'utf8'));
    expect(await readFile(join(plan.contextDir, '.dockerignore'), 'utf8')).toBe(DEFAULT_DOCKERIGNORE);
    expect(rules.ignores('node_modules')).toBe(true);
    expect(rules.ignores('packages/a/node_modules')).toBe(true);
    expect(rules.ignores('.git')).toBe(true);
    // Docker reads the generated Dockerfile (it is always sent) but does not copy it into the image.
    expect(rules.ignores('.slipway/Dockerfile')).toBe(true);
    expect(rules.ignores('.slipway/ca.crt')).toBe(false);
    expect(rules.ignores('package-lock.json')).toBe(false);
  });

  it('keeps the repository’s .dockerignore, adding an exception only when it would leave out .slipway/', async () => {
    const kept = await detect('node-npm', {}, (dir) => writeFile(join(dir, '.dockerignore'), 'coverage\n'));
    expect(await readFile(join(kept.contextDir, '.dockerignore'), 'utf8')).toBe(
      `coverage\n${DOCKERFILE_EXCLUSION}`,
    );
    expect(kept.reasons).toContain('using the repository’s .dockerignore');
    const leavesOut = await detect('node-npm', {}, (dir) =>
      writeFile(join(dir, '.dockerignore'), 'coverage\n.slipway/Dockerfile\n'),
    );
    expect(await readFile(join(leavesOut.contextDir, '.dockerignore'), 'utf8')).toBe(
      'coverage\n.slipway/Dockerfile\n',
    );

    const allowList = '*\n!package.json\n!package-lock.json\n!server.js';
    const amended = await detect('node-npm', {}, (dir) => writeFile(join(dir, '.dockerignore'), allowList));
    const text = await readFile(join(amended.contextDir, '.dockerignore'), 'utf8');
    expect(text.startsWith(`${allowList}\n`)).toBe(true);
    const rules = ignore().add(text);
    for (const path of ['.slipway', '.slipway/ca.crt', 'server.js']) {
      expect(rules.ignores(path)).toBe(false);
    }
    expect(rules.ignores('.slipway/Dockerfile')).toBe(true);
    expect(rules.ignores('README.md')).toBe(true);
  });
});
