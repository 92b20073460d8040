import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerignoreFilter } from './docker-image-builder';

describe('dockerignoreFilter', () => {
  function contextWith(dockerignore?: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-context-'));
    if (dockerignore !== undefined) writeFileSync(join(dir, '.dockerignore'), dockerignore);
    return dir;
  }

  it('leaves out what the .dockerignore names, but always sends the Dockerfile and .dockerignore', () => {
    const dir = contextWith('node_modules\n*.log\nsecrets/\n.slipway\n.dockerignore\n');
    const ignored = dockerignoreFilter(dir, '.slipway/Dockerfile');
    expect(ignored(join(dir, 'node_modules'))).toBe(true);
    expect(ignored(join(dir, 'debug.log'))).toBe(true);
    expect(ignored(join(dir, 'secrets', 'key.pem'))).toBe(true);
    expect(ignored(join(dir, 'server.js'))).toBe(false);
    expect(ignored(join(dir, '.dockerignore'))).toBe(false);
    expect(ignored(join(dir, '.slipway/Dockerfile'))).toBe(false);
  });

  it('honours exceptions', () => {
    const dir = contextWith('*.md\n!README.md\n');
    const ignored = dockerignoreFilter(dir, 'Dockerfile');
    expect(ignored(join(dir, 'NOTES.md'))).toBe(true);
    expect(ignored(join(dir, 'README.md'))).toBe(false);
  });

  it('sends everything when there is no .dockerignore', () => {
    const dir = contextWith();
    expect(dockerignoreFilter(dir, 'Dockerfile')(join(dir, 'node_modules'))).toBe(false);
  });
});
