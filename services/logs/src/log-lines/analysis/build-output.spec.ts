import { classifyBuildLine } from './build-output';

describe('classifyBuildLine', () => {
  it.each([
    ['Step 3/9 : RUN npm ci', 'step'],
    ['Step 10/12 : COPY . .', 'step'],
    [' ---> Running in 1a2b3c4d5e6f', 'noise'],
    [' ---> 9f8e7d6c5b4a', 'noise'],
    [' ---> Using cache', 'noise'],
    ['Removing intermediate container 1a2b3c4d5e6f', 'noise'],
    ['Successfully built 9f8e7d6c5b4a', 'noise'],
    ['Sending build context to Docker daemon  2.048kB', 'noise'],
    ['a3ed95caeb02: Pulling fs layer', 'progress'],
    ['a3ed95caeb02: Downloading  12.3MB/45.6MB', 'progress'],
    ['a3ed95caeb02: Pull complete', 'progress'],
    ['npm http fetch GET 200 https://registry.npmjs.org/express 120ms', 'progress'],
    ['npm timing reify:loadTrees Completed in 120ms', 'progress'],
    ['(##########⸩ ⠴ reify:fsevents: timing reifyNode', 'progress'],
    ['reify: timing', 'progress'],
    ['   ━━━━━━━━━━━━━━━━━━━━ 1.2/1.2 MB 3.4 MB/s eta 0:00:00', 'progress'],
    ['[=====>                  ] 25%', 'progress'],
    ['added 120 packages, and audited 121 packages in 3s', 'normal'],
    ['Successfully tagged slipway/shop:abc123', 'normal'],
    ['> shop@1.0.0 build', 'normal'],
    ['npm ERR! code ELIFECYCLE', 'normal'],
  ])('classifies %j as %s', (line, display) => {
    expect(classifyBuildLine(line)).toBe(display);
  });
});
