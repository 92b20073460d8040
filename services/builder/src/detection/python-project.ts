import type { BuildSettings } from '@slipway/contracts';
import { join } from 'node:path';
import { DetectionError } from './build-plan';
import { procfileWebCommand } from './procfile';
import type { SourceTree } from './source-tree';

export interface PythonPlan {
  /** Files to copy before installing; undefined copies the whole source first. */
  manifests?: string[];
  install: string;
  build?: string;
  start: string;
}

interface PythonContext {
  tree: SourceTree;
  rootDir: string;
  settings: BuildSettings;
  pythonImage: string;
  reasons: string[];
}

/** A requirements line that needs more of the source than the file itself (`-r`, `-e .`, local paths). */
const NEEDS_SOURCE = /^\s*(?:-r|--requirement|-c|--constraint|-e|--editable|\.|\/)|\bfile:/;

export async function planPython(context: PythonContext): Promise<PythonPlan> {
  const { tree, rootDir, settings, reasons } = context;
  const requirements = await tree.readText(join(rootDir, 'requirements.txt'));
  const hasPyproject = await tree.isFile(join(rootDir, 'pyproject.toml'));
  const plan: Omit<PythonPlan, 'start'> = { install: '' };

  if (requirements !== undefined) {
    reasons.push(
      hasPyproject
        ? 'found requirements.txt (and pyproject.toml): using requirements.txt'
        : 'found requirements.txt',
    );
    plan.install = 'pip install -r requirements.txt';
    if (requirements.split(/\r?\n/).some((line) => NEEDS_SOURCE.test(line))) {
      reasons.push(
        'requirements.txt refers to other files or local packages: installing after copying the whole source (no separate dependency cache)',
      );
    } else {
      plan.manifests = ['requirements.txt'];
    }
  } else {
    reasons.push(
      'found pyproject.toml: pip install . needs the whole source, so dependencies are reinstalled on every change (add a requirements.txt for a cached dependency layer)',
    );
    plan.install = 'pip install .';
  }

  if (settings.installCommand) {
    plan.install = settings.installCommand;
    plan.manifests = undefined;
    reasons.push(
      `install: ${settings.installCommand} (install command setting; runs after copying the whole source)`,
    );
  } else {
    reasons.push(`install: ${plan.install} in a virtualenv (/opt/venv)`);
  }
  if (settings.buildCommand) {
    plan.build = settings.buildCommand;
    reasons.push(`build: ${settings.buildCommand} (build command setting)`);
  }
  await notePythonVersion(context);

  if (settings.startCommand) {
    reasons.push(`start: ${settings.startCommand} (start command setting)`);
    return { ...plan, start: settings.startCommand };
  }
  const procfile = await tree.readText(join(rootDir, 'Procfile'));
  const web = procfile === undefined ? undefined : procfileWebCommand(procfile);
  if (web) {
    reasons.push(`start: ${web} (Procfile web:)`);
    return { ...plan, start: web };
  }
  throw new DetectionError(
    'Found a Python app but no way to start it: looked for a start command setting and a "web:" line in a Procfile. ' +
      'Add a Procfile with e.g. "web: gunicorn app:app --bind 0.0.0.0:$PORT" (the app must listen on $PORT), ' +
      'or set the start command.',
  );
}

/** Heroku-style version files are not obeyed (the base image is configuration), but say so. */
async function notePythonVersion({ tree, rootDir, pythonImage, reasons }: PythonContext): Promise<void> {
  for (const file of ['.python-version', 'runtime.txt']) {
    const text = await tree.readText(join(rootDir, file));
    const wanted = text?.trim().split(/\r?\n/)[0]?.trim();
    if (wanted) {
      reasons.push(`${file} asks for ${wanted}; the Python version comes from the base image ${pythonImage}`);
      return;
    }
  }
}
