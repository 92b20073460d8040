import type { BuildSettings } from '@slipway/contracts';
import { dirname, join } from 'node:path';
import { DetectionError, type PackageManager } from './build-plan';
import { rangeAdmitsMajor } from './node-engines';
import { procfileWebCommand } from './procfile';
import type { SourceTree } from './source-tree';
import { STATIC_OUTPUT_CANDIDATES, type NodeStep } from './templates';

interface PackageJson {
  scripts?: Record<string, string>;
  main?: string;
  engines?: { node?: string };
  packageManager?: string;
  workspaces?: unknown;
}

export type NodePlan =
  | { kind: 'server'; packageManager: PackageManager; step: NodeStep; start: string }
  /** No server: the build writes a site that Caddy serves. */
  | { kind: 'static-build'; packageManager: PackageManager; step: NodeStep; outputDir?: string }
  /** No server and nothing to build, but an index.html: served as it is. */
  | { kind: 'static-files'; packageManager: PackageManager; siteDir: string };

interface NodeContext {
  tree: SourceTree;
  rootDir: string;
  settings: BuildSettings;
  nodeImage: string;
  reasons: string[];
}

const LOCKFILES: Array<[file: string, manager: PackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** Config files that change what an install does, copied with the lockfile when present. */
const INSTALL_CONFIG: Record<PackageManager, string[]> = {
  npm: ['.npmrc'],
  yarn: ['.npmrc', '.yarnrc', '.yarnrc.yml'],
  pnpm: ['.npmrc', 'pnpm-workspace.yaml', '.pnpmfile.cjs'],
};

/** Lifecycle scripts of the package itself that run during install and may need more than package.json. */
const INSTALL_LIFECYCLE_SCRIPTS = ['preinstall', 'install', 'postinstall'];

interface PackageManagerChoice {
  manager: PackageManager;
  lockfile?: string;
  /** Yarn 2 or later ("berry"): `--immutable` instead of `--frozen-lockfile`. */
  yarnBerry: boolean;
}

export async function planNode(context: NodeContext): Promise<NodePlan> {
  const { tree, rootDir, settings, reasons } = context;
  const packageJson = await readPackageJson(context);
  const scripts = packageJson.scripts ?? {};
  reasons.push('found package.json');

  const choice = await choosePackageManager(context, packageJson);
  const { manager } = choice;
  checkEngines(context, packageJson);

  const step: NodeStep = {
    install: settings.installCommand ?? defaultInstall(choice),
    corepack: manager === 'npm' ? undefined : manager,
  };
  if (settings.installCommand) {
    reasons.push(
      `install: ${settings.installCommand} (install command setting; runs after copying the whole source, so it is not cached by lockfile)`,
    );
  } else {
    reasons.push(`install: ${step.install}`);
    const lifecycle = INSTALL_LIFECYCLE_SCRIPTS.find((name) => scripts[name]);
    if (lifecycle) {
      reasons.push(
        `package.json has a ${lifecycle} script, which may need the source: dependencies are installed after copying everything (no separate dependency cache)`,
      );
    } else {
      step.manifests = ['package.json'];
      if (choice.lockfile) step.manifests.push(choice.lockfile);
      for (const file of INSTALL_CONFIG[manager]) {
        if (await tree.isFile(join(rootDir, file))) step.manifests.push(file);
      }
      if (choice.yarnBerry) {
        step.manifestFolders = [];
        for (const folder of ['.yarn/releases', '.yarn/plugins', '.yarn/patches']) {
          if (await tree.isDirectory(join(rootDir, folder))) step.manifestFolders.push(folder);
        }
      }
    }
  }

  if (settings.buildCommand) {
    step.build = settings.buildCommand;
    reasons.push(`build: ${settings.buildCommand} (build command setting)`);
  } else if (scripts['build']) {
    step.build = runScript(manager, 'build');
    reasons.push(`build script found: ${step.build}`);
  } else {
    reasons.push('no build script in package.json: nothing to build');
  }

  if (settings.startCommand) {
    reasons.push(`start: ${settings.startCommand} (start command setting)`);
    return { kind: 'server', packageManager: manager, step, start: settings.startCommand };
  }
  if (settings.staticOutputDir) {
    const outputDir = tree.resolveSetting(rootDir, settings.staticOutputDir, 'staticOutputDir', {
      dir: rootDir,
      name: 'the root directory',
    });
    return staticPlan(
      context,
      manager,
      step,
      tree.relativeFrom(rootDir, outputDir),
      'static output directory setting',
    );
  }
  const start = await findStartCommand(context, packageJson, manager, Boolean(step.build));
  if (start) {
    reasons.push(`start: ${start.command} (${start.source})`);
    return { kind: 'server', packageManager: manager, step, start: start.command };
  }
  if (step.build) {
    reasons.push('no start command, but a build step: a static site built with Node.js, served by Caddy');
    return staticPlan(context, manager, step, undefined, 'no start command');
  }
  for (const dir of ['.', ...STATIC_OUTPUT_CANDIDATES]) {
    if (await tree.isFile(join(rootDir, dir, 'index.html'))) {
      const where = dir === '.' ? 'index.html' : `${dir}/index.html`;
      reasons.push(`no start command and no build step, but ${where}: serving the files as they are`);
      return { kind: 'static-files', packageManager: manager, siteDir: dir };
    }
  }
  const monorepo = packageJson.workspaces
    ? 'package.json declares workspaces: this looks like the root of a monorepo, with no app of its own. '
    : '';
  throw new DetectionError(
    `${monorepo}package.json has no way to start the app: looked for a start command setting, a Procfile "web:" line, ` +
      'scripts.start, "main", server.js and index.js. Add a start script, e.g. "scripts": { "start": "node server.js" }, ' +
      'that listens on process.env.PORT (or, for a front-end, a build script that writes index.html to dist/).',
  );
}

async function staticPlan(
  context: NodeContext,
  manager: PackageManager,
  step: NodeStep,
  outputDir: string | undefined,
  why: string,
): Promise<NodePlan> {
  if (outputDir) {
    context.reasons.push(`serving ${outputDir === '.' ? 'the root directory' : `${outputDir}/`} (${why})`);
  } else {
    context.reasons.push(
      `serving the first of ${STATIC_OUTPUT_CANDIDATES.map((dir) => `${dir}/`).join(', ')} that holds index.html after the build (set the static output directory to choose)`,
    );
  }
  if (!step.build) {
    const siteDir = outputDir ?? '.';
    if (!(await context.tree.isFile(join(context.rootDir, siteDir, 'index.html')))) {
      throw new DetectionError(
        `There is no build step and no index.html in ${siteDir === '.' ? 'the root directory' : `${siteDir}/`}: add a build script that writes the site there, a start script for a server, or fix the static output directory.`,
      );
    }
    context.reasons.push('no build step: the files are served as they are');
    return { kind: 'static-files', packageManager: manager, siteDir };
  }
  return { kind: 'static-build', packageManager: manager, step, outputDir };
}

async function readPackageJson({ tree, rootDir }: NodeContext): Promise<PackageJson> {
  const text = (await tree.readText(join(rootDir, 'package.json'))) ?? '{}';
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as PackageJson;
  } catch (error) {
    throw new DetectionError(
      `package.json is not valid JSON (${(error as Error).message}); fix it so it can be read.`,
    );
  }
}

async function choosePackageManager(
  context: NodeContext,
  packageJson: PackageJson,
): Promise<PackageManagerChoice> {
  const { tree, rootDir, reasons } = context;
  const present: Array<[string, PackageManager]> = [];
  for (const entry of LOCKFILES) {
    if (await tree.isFile(join(rootDir, entry[0]))) present.push(entry);
  }

  const declared = /^(npm|yarn|pnpm)@(\d+)/.exec(packageJson.packageManager ?? '');
  let manager: PackageManager;
  if (declared) {
    manager = declared[1] as PackageManager;
    const via = manager === 'npm' ? 'the image’s npm' : 'corepack';
    reasons.push(`packageManager ${packageJson.packageManager} → ${manager} (via ${via})`);
    const other = present.find(([, owner]) => owner !== manager);
    if (other && !present.some(([, owner]) => owner === manager)) {
      reasons.push(`warning: ${other[0]} belongs to ${other[1]}, not ${manager}; it is ignored`);
    }
  } else if (present[0]) {
    manager = present[0][1];
    reasons.push(`${present[0][0]} → ${manager}`);
    const others = present.filter(([, owner]) => owner !== manager).map(([file]) => file);
    if (others.length > 0) {
      reasons.push(
        `warning: also found ${others.join(', ')}; using ${present[0][0]} (delete the others, or set "packageManager" in package.json)`,
      );
    }
  } else {
    manager = 'npm';
    reasons.push('no lockfile → npm');
    await noteLockfileAbove(context);
  }

  const lockfile = present.find(([, owner]) => owner === manager)?.[0];
  if (!lockfile && present.length > 0) reasons.push(`no lockfile for ${manager}: installing without one`);
  const yarnBerry =
    manager === 'yarn' &&
    ((declared !== null && Number(declared[2]) >= 2) ||
      (await tree.isFile(join(rootDir, '.yarnrc.yml'))) ||
      /^__metadata:/m.test((lockfile && (await tree.readText(join(rootDir, lockfile)))) || ''));
  if (yarnBerry && !declared) {
    reasons.push(
      'warning: this is a Yarn 2+ project without a "packageManager" field; corepack may pick Yarn 1 (add e.g. "packageManager": "yarn@4.5.0")',
    );
  }
  return { manager, lockfile, yarnBerry };
}

/** Monorepos often keep one lockfile at the top, which a build of a subfolder does not see. */
async function noteLockfileAbove({ tree, rootDir, reasons }: NodeContext): Promise<void> {
  let dir = rootDir;
  while (dir !== tree.root) {
    dir = dirname(dir);
    for (const [file] of LOCKFILES) {
      if (await tree.isFile(join(dir, file))) {
        reasons.push(
          `note: ${tree.relative(join(dir, file))} is outside the root directory, so the build cannot use it`,
        );
        return;
      }
    }
  }
}

function defaultInstall({ manager, lockfile, yarnBerry }: PackageManagerChoice): string {
  switch (manager) {
    case 'npm':
      return lockfile ? 'npm ci' : 'npm install';
    case 'yarn':
      if (!lockfile) return 'yarn install';
      return yarnBerry ? 'yarn install --immutable' : 'yarn install --frozen-lockfile';
    case 'pnpm':
      return lockfile ? 'pnpm install --frozen-lockfile' : 'pnpm install';
  }
}

function runScript(manager: PackageManager, script: string): string {
  return manager === 'npm' ? `npm run ${script}` : `${manager} ${script}`;
}

function checkEngines({ nodeImage, reasons }: NodeContext, packageJson: PackageJson): void {
  const range = packageJson.engines?.node;
  if (typeof range !== 'string' || range.trim() === '') return;
  const major = imageMajorVersion(nodeImage);
  if (major === undefined) {
    reasons.push(`engines.node "${range}" (the base image ${nodeImage} decides the version; not checked)`);
    return;
  }
  const admits = rangeAdmitsMajor(range, major);
  if (admits === false) {
    reasons.push(
      `warning: engines.node "${range}" excludes Node.js ${major} of the base image ${nodeImage}; building anyway (change engines.node, or the node base image)`,
    );
  } else if (admits) {
    reasons.push(`engines.node "${range}": the base image provides Node.js ${major}`);
  } else {
    reasons.push(`engines.node "${range}" (the base image provides Node.js ${major}; range not checked)`);
  }
}

/** `node:22-bookworm-slim` → 22, `slipway-local/node:20-bookworm` → 20, `node:lts` → undefined. */
export function imageMajorVersion(image: string): number | undefined {
  const name = image.split('@')[0] ?? '';
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  const match = /^v?(\d+)(?:[.-]|$)/.exec(tag);
  return match ? Number(match[1]) : undefined;
}

async function findStartCommand(
  { tree, rootDir }: NodeContext,
  packageJson: PackageJson,
  manager: PackageManager,
  hasBuild: boolean,
): Promise<{ command: string; source: string } | undefined> {
  const procfile = await tree.readText(join(rootDir, 'Procfile'));
  const web = procfile === undefined ? undefined : procfileWebCommand(procfile);
  if (web) return { command: web, source: 'Procfile web:' };
  if (packageJson.scripts?.['start']) {
    return {
      command: manager === 'npm' ? 'npm start' : `${manager} start`,
      source: 'package.json scripts.start',
    };
  }
  const main = typeof packageJson.main === 'string' ? packageJson.main : undefined;
  if (main && (hasBuild || (await tree.isFile(join(rootDir, main))))) {
    return { command: `node ${main}`, source: 'package.json main' };
  }
  for (const file of ['server.js', 'index.js']) {
    if (await tree.isFile(join(rootDir, file))) return { command: `node ${file}`, source: `found ${file}` };
  }
  return undefined;
}
