import type { BuildSettings } from '@slipway/contracts';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type BuildPlan,
  DEFAULT_PORT,
  type DetectStackInput,
  DetectionError,
  GENERATED_CADDYFILE,
  GENERATED_DOCKERFILE,
} from './build-plan';
import { exposedPort, guessInstallStep, parseDockerfile, userDockerfileStages } from './dockerfile-parser';
import { prepareDockerignore } from './dockerignore';
import { planNode } from './node-project';
import { planPython } from './python-project';
import { SourceTree } from './source-tree';
import {
  CADDYFILE,
  type GeneratedDockerfile,
  nodeServerDockerfile,
  nodeStaticDockerfile,
  pythonDockerfile,
  staticDockerfile,
} from './templates';

/**
 * Decides how to build a checked-out source, like Heroku buildpacks or Nixpacks, and says why at every step
 * (`reasons`). In order: the repository's own Dockerfile, Node.js (package.json), a static site (index.html),
 * Python (requirements.txt / pyproject.toml). For anything but a Dockerfile it writes a Dockerfile to
 * `<contextDir>/.slipway/Dockerfile` (plus a Caddyfile for static sites, and a `.dockerignore` if the
 * repository has none). Reads nothing outside `sourceDir` and writes only inside the context.
 */
export async function detectStack(input: DetectStackInput): Promise<BuildPlan> {
  const { settings, baseImages } = input;
  const tree = await SourceTree.open(input.sourceDir);
  const reasons: string[] = [];
  const rootDir = await resolveRootDirectory(tree, settings, reasons);
  checkCommands(settings);

  const userDockerfile = await findDockerfile(tree, rootDir, settings);
  if (userDockerfile) return dockerfilePlan(tree, rootDir, userDockerfile, settings, reasons);

  const port = settings.port ?? DEFAULT_PORT;
  const extraCaBundle = input.extraCaBundle ?? false;
  const has = (file: string) => tree.isFile(join(rootDir, file));

  try {
    if (await has('package.json')) {
      const node = await planNode({ tree, rootDir, settings, nodeImage: baseImages.node, reasons });
      switch (node.kind) {
        case 'server': {
          const generated = nodeServerDockerfile({
            ...node.step,
            baseImage: baseImages.node,
            extraCaBundle,
            start: node.start,
            port,
          });
          return await writePlan('node', rootDir, generated, reasons, port, node.packageManager);
        }
        case 'static-build': {
          const generated = nodeStaticDockerfile({
            ...node.step,
            baseImage: baseImages.node,
            staticImage: baseImages.static,
            extraCaBundle,
            outputDir: node.outputDir,
            port,
          });
          return await writePlan('static', rootDir, generated, reasons, port, node.packageManager);
        }
        case 'static-files': {
          const generated = staticDockerfile({ staticImage: baseImages.static, siteDir: node.siteDir, port });
          return await writePlan('static', rootDir, generated, reasons, port, node.packageManager);
        }
      }
    }

    const hasPython = (await has('requirements.txt')) || (await has('pyproject.toml'));
    const siteDir = await findStaticSite(tree, rootDir, settings);
    if (siteDir !== undefined && !hasPython) {
      reasons.push(
        siteDir === '.'
          ? 'found index.html and no package.json: a static site, served by Caddy'
          : `found ${siteDir}/index.html (static output directory setting): a static site, served by Caddy`,
      );
      if (settings.installCommand || settings.buildCommand) {
        reasons.push('install and build command settings are ignored: a static site is served as it is');
      }
      const generated = staticDockerfile({ staticImage: baseImages.static, siteDir, port });
      return await writePlan('static', rootDir, generated, reasons, port);
    }

    if (hasPython) {
      if (siteDir !== undefined) reasons.push('found index.html too, but a Python app serves its own pages');
      const python = await planPython({ tree, rootDir, settings, pythonImage: baseImages.python, reasons });
      const generated = pythonDockerfile({ ...python, baseImage: baseImages.python, extraCaBundle, port });
      return await writePlan('python', rootDir, generated, reasons, port);
    }
  } catch (error) {
    if (error instanceof DetectionError) throw await withSubfolderHint(tree, rootDir, error);
    throw error;
  }

  const where = rootDir === tree.root ? 'the repository' : `${tree.relative(rootDir)}/`;
  throw await withSubfolderHint(
    tree,
    rootDir,
    new DetectionError(
      `Could not tell how to build ${where}: looked for a Dockerfile, package.json (Node.js), index.html ` +
        '(static site), and requirements.txt or pyproject.toml (Python), and found none. Add a Dockerfile, or one ' +
        'of those files.',
    ),
  );

  async function writePlan(
    stack: BuildPlan['stack'],
    contextDir: string,
    generated: GeneratedDockerfile,
    planReasons: string[],
    planPort: number,
    packageManager?: BuildPlan['packageManager'],
  ): Promise<BuildPlan> {
    planReasons.push(
      `port: ${planPort} (${settings.port ? 'port setting' : 'default'}; the app must listen on $PORT)`,
    );
    await mkdir(join(contextDir, dirname(GENERATED_DOCKERFILE)), { recursive: true });
    await writeFile(join(contextDir, GENERATED_DOCKERFILE), generated.dockerfile);
    if (stack === 'static') await writeFile(join(contextDir, GENERATED_CADDYFILE), CADDYFILE);
    planReasons.push(await prepareDockerignore(contextDir));
    return {
      stack,
      reasons: planReasons,
      contextDir,
      dockerfilePath: GENERATED_DOCKERFILE,
      dockerfile: generated.dockerfile,
      instructionStages: generated.instructionStages,
      dependencyInstallStep: generated.dependencyInstallStep,
      port: planPort,
      packageManager,
    };
  }
}

async function resolveRootDirectory(
  tree: SourceTree,
  settings: BuildSettings,
  reasons: string[],
): Promise<string> {
  const value = settings.rootDirectory?.trim();
  if (!value || value === '.' || value === './') return tree.root;
  const rootDir = tree.resolveSetting(tree.root, value, 'rootDirectory');
  if (!(await tree.isDirectory(rootDir))) {
    const hints = await tree.findBuildableFolders(tree.root);
    throw new DetectionError(
      `rootDirectory "${value}" does not exist in the repository.` +
        (hints.length > 0
          ? ` Buildable folders found: ${hints.map((hint) => dirname(hint)).join(', ')}.`
          : ''),
    );
  }
  reasons.push(`root directory: ${tree.relative(rootDir)}`);
  return rootDir;
}

/** Commands become single Dockerfile lines: a line break or a trailing backslash would change the file. */
function checkCommands(settings: BuildSettings): void {
  const commands = {
    installCommand: settings.installCommand,
    buildCommand: settings.buildCommand,
    startCommand: settings.startCommand,
  };
  for (const [name, command] of Object.entries(commands)) {
    if (
      command !== undefined &&
      (/[\r\n]/.test(command) || /\\\s*$/.test(command) || command.trim() === '')
    ) {
      throw new DetectionError(
        `${name} must be a single, non-empty line without a trailing backslash; join commands with && instead.`,
      );
    }
  }
}

async function findDockerfile(
  tree: SourceTree,
  rootDir: string,
  settings: BuildSettings,
): Promise<string | undefined> {
  if (settings.dockerfilePath) {
    const path = tree.resolveSetting(rootDir, settings.dockerfilePath, 'dockerfilePath');
    if (!(await tree.isFile(path))) {
      throw new DetectionError(
        `dockerfilePath "${settings.dockerfilePath}" does not exist (it is relative to the root directory ${tree.relative(rootDir)}); fix the path or clear the setting to detect the stack.`,
      );
    }
    return path;
  }
  for (const name of ['Dockerfile', 'dockerfile']) {
    if (await tree.isFile(join(rootDir, name))) return join(rootDir, name);
  }
  return undefined;
}

async function dockerfilePlan(
  tree: SourceTree,
  rootDir: string,
  dockerfileAbs: string,
  settings: BuildSettings,
  reasons: string[],
): Promise<BuildPlan> {
  const contextDir = settings.dockerContext
    ? tree.resolveSetting(rootDir, settings.dockerContext, 'dockerContext')
    : rootDir;
  if (!(await tree.isDirectory(contextDir))) {
    throw new DetectionError(`dockerContext "${settings.dockerContext}" is not a folder in the repository.`);
  }
  const dockerfilePath = tree.relativeFrom(contextDir, dockerfileAbs);
  if (dockerfilePath.startsWith('../')) {
    throw new DetectionError(
      `The Dockerfile ${tree.relative(dockerfileAbs)} is outside the build context ${tree.relative(contextDir)}/; move it inside, or widen dockerContext.`,
    );
  }
  const dockerfile = (await tree.readText(dockerfileAbs)) ?? '';
  const instructions = parseDockerfile(dockerfile);
  if (!instructions.some((instruction) => instruction.keyword === 'FROM')) {
    throw new DetectionError(`${tree.relative(dockerfileAbs)} has no FROM instruction; it cannot be built.`);
  }

  reasons.push(
    `found ${tree.relative(dockerfileAbs)}${settings.dockerfilePath ? ' (dockerfilePath setting)' : ''}: building it as it is`,
  );
  reasons.push(`build context: ${tree.relative(contextDir)}`);
  const ignored = (['installCommand', 'buildCommand', 'startCommand', 'staticOutputDir'] as const).filter(
    (name) => settings[name],
  );
  if (ignored.length > 0)
    reasons.push(`${ignored.join(', ')}: not used for Dockerfile builds (the Dockerfile decides)`);

  const exposed = exposedPort(instructions);
  const port = settings.port ?? exposed ?? DEFAULT_PORT;
  const source = settings.port ? 'port setting' : exposed ? 'EXPOSE in the Dockerfile' : 'default';
  reasons.push(`port: ${port} (${source}; the app must listen on it, or on $PORT)`);
  return {
    stack: 'dockerfile',
    reasons,
    contextDir,
    dockerfilePath,
    dockerfile,
    instructionStages: userDockerfileStages(instructions),
    dependencyInstallStep: guessInstallStep(instructions),
    port,
  };
}

/** The folder (relative to the root directory) of a plain static site: `.` or the static output directory. */
async function findStaticSite(
  tree: SourceTree,
  rootDir: string,
  settings: BuildSettings,
): Promise<string | undefined> {
  const siteDir = settings.staticOutputDir
    ? tree.relativeFrom(
        rootDir,
        tree.resolveSetting(rootDir, settings.staticOutputDir, 'staticOutputDir', {
          dir: rootDir,
          name: 'the root directory',
        }),
      )
    : '.';
  return (await tree.isFile(join(rootDir, siteDir, 'index.html'))) ? siteDir : undefined;
}

async function withSubfolderHint(
  tree: SourceTree,
  rootDir: string,
  error: DetectionError,
): Promise<DetectionError> {
  const hints = await tree.findBuildableFolders(rootDir);
  if (hints.length === 0) return error;
  return new DetectionError(
    `${error.message} If the app lives in a subfolder (a monorepo), set the root directory; found: ${hints.join(', ')}.`,
  );
}
