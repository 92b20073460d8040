import ignore from '@balena/dockerignore';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXTRA_CA_BUNDLE, GENERATED_CADDYFILE, GENERATED_DOCKERFILE, SLIPWAY_DIR } from './build-plan';

/**
 * Written at the context root when a repository has no `.dockerignore` of its own (Docker reads it only from
 * there): a generated build then still leaves out what a checkout or a developer's machine may hold and an
 * image must not: git history, installed dependencies, Python caches. `.slipway/` stays in, since the
 * generated Dockerfile lives there (the COPY of the source therefore carries it into the image too: a few
 * hundred bytes, harmless).
 */
export const DEFAULT_DOCKERIGNORE = `# Written by Slipway because the repository has no .dockerignore. Add your own to choose what is sent.
.git
**/node_modules
**/.venv
**/__pycache__
**/*.pyc
`;

/** Appended to a user's `.dockerignore` that would leave out the generated files (e.g. one starting with `*`). */
export const SLIPWAY_EXCEPTION = `
# Added by Slipway: the generated Dockerfile in ${SLIPWAY_DIR}/ must reach Docker.
!${SLIPWAY_DIR}
`;

const GENERATED_FILES = [SLIPWAY_DIR, GENERATED_DOCKERFILE, GENERATED_CADDYFILE, EXTRA_CA_BUNDLE];

/**
 * Makes sure the context of a generated build has a `.dockerignore` that keeps junk out and lets the generated
 * files in. Returns the sentence to add to the reasons.
 */
export async function prepareDockerignore(contextDir: string): Promise<string> {
  const file = join(contextDir, '.dockerignore');
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing === undefined) {
    await writeFile(file, DEFAULT_DOCKERIGNORE);
    return 'no .dockerignore: using one that leaves out .git, node_modules and Python caches';
  }
  const rules = ignore().add(existing.split(/\r?\n/));
  if (!GENERATED_FILES.some((path) => rules.ignores(path))) return 'using the repository’s .dockerignore';
  await writeFile(file, `${existing.endsWith('\n') ? existing : `${existing}\n`}${SLIPWAY_EXCEPTION}`);
  return `using the repository’s .dockerignore, with an exception added for ${SLIPWAY_DIR}/ (it would leave out the generated Dockerfile)`;
}
