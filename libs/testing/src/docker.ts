import Docker from 'dockerode';

import { assertTestEnvironment } from './guard';

/** The Docker Engine socket: env DOCKER_SOCKET, else /var/run/docker.sock (the services use the same). */
export function dockerSocketPath(): string {
  return process.env['DOCKER_SOCKET'] ?? '/var/run/docker.sock';
}

function dockerClient(socketPath: string): Docker {
  return new Docker({ socketPath, timeout: 10_000 });
}

/** Throws an error that says what to do when no Docker Engine answers on the socket. */
export async function ensureDockerAvailable(socketPath = dockerSocketPath()): Promise<void> {
  try {
    await dockerClient(socketPath).ping();
  } catch (error) {
    throw new Error(
      `Docker Engine is not answering on ${socketPath} (${error instanceof Error ? error.message : error}). ` +
        'Start it with: bash deploy/scripts/start-infra.sh docker (or npm run up).',
    );
  }
}

/**
 * Force-removes every container (running or not) labelled `label=value`, with its anonymous volumes, and
 * returns how many there were. Tests label what they create with a per-test-file value and call this to clean
 * up, so they never touch containers of a running `npm run up` stack.
 */
export async function removeContainersByLabel(
  label: string,
  value: string,
  socketPath = dockerSocketPath(),
): Promise<number> {
  assertTestEnvironment('removeContainersByLabel');
  const docker = dockerClient(socketPath);
  const containers = await docker.listContainers({ all: true, filters: { label: [`${label}=${value}`] } });
  await Promise.all(
    containers.map((container) => docker.getContainer(container.Id).remove({ force: true, v: true })),
  );
  return containers.length;
}
