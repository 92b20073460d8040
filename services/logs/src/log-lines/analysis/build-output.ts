import { LogDisplay } from '@slipway/contracts';

const STEP = /^Step \d+\/\d+ : /;
const NOISE = [
  /^\s*---> /, // " ---> Running in 1a2b3c", " ---> 9f8e7d", " ---> Using cache"
  /^\s*--->\s*$/,
  /^Removing intermediate container [0-9a-f]+/,
  /^Successfully built [0-9a-f]+$/,
  /^Sending build context to Docker daemon/,
];
const PROGRESS = [
  // base image pulls
  /^[0-9a-f]{12}: (Pulling fs layer|Waiting|Downloading|Extracting|Verifying Checksum|Download complete|Pull complete|Already exists)/,
  // npm's chatter and spinner
  /^npm (http|timing|sill|verb)\b/,
  /[⸨⸩]/,
  /^(reify|idealTree):/,
  // progress bars: ░▒▓█, pip's ━━━, [=====>    ], [#####.....]
  /[░▒▓█]{3,}|━{3,}|\[[=#>.\- ]{8,}\]/,
  /^\s*\d{1,3}(\.\d+)?% /,
];

/**
 * How a line of Docker's classic builder output should be shown: step headers as headings, the
 * builder's container/image bookkeeping hidden, progress collapsed. The text itself is stored unchanged.
 */
export function classifyBuildLine(plain: string): LogDisplay {
  if (STEP.test(plain)) return 'step';
  if (NOISE.some((pattern) => pattern.test(plain))) return 'noise';
  if (PROGRESS.some((pattern) => pattern.test(plain))) return 'progress';
  return 'normal';
}
