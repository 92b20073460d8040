import ignore from '@balena/dockerignore';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXTRA_CA_BUNDLE, GENERATED_CADDYFILE, GENERATED_DOCKERFILE, SLIPWAY_DIR } from './build-plan';

/**
 * Written at the context root when a repository has no `.dockerignore` of its own (Docker reads it only from
 * there): a generated build then still leaves out what a checkout or a developer's machine may hold and an
 * image must not: git history, installed dependencies, Python caches. The rest of `.slipway/` stays in (the
 * Caddyfile and CA bundle are copied from there), and so is carried into the image by the COPY of the source:
 * a few hundred bytes, harmless. The generated Dockerfile is left out: Docker still reads it (the builder
 * always sends it), but it is not part of the copied source, so the builder may append the image's labels to
 * it without changing the cache of any COPY.
 */
export const DEFAULT_DOCKERIGNORE = `# Written by Slipway because the repository has no .dockerignore. Add your own to choose what is sent.
.git
**/node_modules
**/.venv
**/__pycache__
**/*.pyc
${GENERATED_DOCKERFILE}
`;

/** Appended to a user's `.dockerignore` that would leave out the generated files (e.g. one starting with `*`). */
export const SLIPWAY_EXCEPTION = `
# Added by Slipway: the generated Dockerfile in ${SLIPWAY_DIR}/ must reach Docker.
!${SLIPWAY_DIR}
`;

/** Appended to a user's `.dockerignore` that would copy the generated Dockerfile into the image. */
export const DOCKERFILE_EXCLUSION = `
# Added by Slipway: Docker reads the generated Dockerfile, but it is not part of the copied source.
${GENERATED_DOCKERFILE}
`;

/** What must reach Docker: the folder itself, or nothing inside it is sent. */
const GENERATED_FILES = [SLIPWAY_DIR, GENERATED_CADDYFILE, EXTRA_CA_BUNDLE];

/**
 * Makes sure the context of a generated build has a `.dockerignore` that keeps junk out, lets the generated
 * files in and leaves the generated Dockerfile out of the copied source. Returns the sentence to add to the
 * reasons.
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
  const ignores = (text: string, path: string) => ignore().add(text.split(/\r?\n/)).ignores(path);
  const leavesOutGenerated = GENERATED_FILES.some((path) => ignores(existing, path));
  let amended = existing.endsWith('\n') ? existing : `${existing}\n`;
  if (leavesOutGenerated) amended += SLIPWAY_EXCEPTION;
  if (!ignores(amended, GENERATED_DOCKERFILE)) amended += DOCKERFILE_EXCLUSION;
  if (amended !== existing) await writeFile(file, amended);
  return leavesOutGenerated
    ? `using the repository’s .dockerignore, with an exception added for ${SLIPWAY_DIR}/ (it would leave out the generated Dockerfile)`
    : 'using the repository’s .dockerignore';
}
