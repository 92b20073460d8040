import { readdir, readFile } from 'node:fs/promises';

/**
 * The name of an environment variable given to every git process of one fetch, with a value unique to that
 * fetch, so that the processes can be found again by their environment.
 */
export const FETCH_MARKER_VARIABLE = 'SLIPWAY_SOURCE_FETCH';

/**
 * SIGKILLs, by PID, every process whose environment carries `FETCH_MARKER_VARIABLE=<marker>`.
 *
 * Stopping git when a fetch is aborted (time or size limit) only reaches the git process simple-git
 * started: its transport helper (`git-remote-https`, blocked in a network read) and `index-pack` are
 * separate processes that outlive it until their own network timeouts, still connected to the server and
 * able to write into the directory being removed. They inherit the marker, so they can be ended precisely
 * and immediately. Linux only (/proc); elsewhere this does nothing and the helpers end on their own.
 */
export async function killMarkedProcesses(marker: string): Promise<number> {
  let pids: string[];
  try {
    pids = await readdir('/proc');
  } catch {
    return 0;
  }
  const needle = Buffer.from(`${FETCH_MARKER_VARIABLE}=${marker}\0`);
  let killed = 0;
  for (const pid of pids) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      // Readable only for our own processes; others throw EACCES and are skipped.
      const environ = await readFile(`/proc/${pid}/environ`);
      if (environ.includes(needle)) {
        process.kill(Number(pid), 'SIGKILL');
        killed += 1;
      }
    } catch {
      // The process ended meanwhile, or is not ours.
    }
  }
  return killed;
}
