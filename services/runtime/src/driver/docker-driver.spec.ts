import { containerNamePart, demuxDockerLogs } from './docker-driver';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('containerNamePart', () => {
  it('reduces an app name to lowercase letters, digits and single dashes', () => {
    expect(containerNamePart('  My App_v2 (beta)! ')).toBe('my-app-v2-beta');
    expect(containerNamePart('***')).toBe('x');
    expect(containerNamePart('a'.repeat(60))).toHaveLength(40);
  });
});

describe('demuxDockerLogs', () => {
  it('joins stdout and stderr frames in the order Docker sent them', () => {
    const raw = Buffer.concat([frame(1, 'booting...\n'), frame(2, 'cannot connect\n'), frame(1, 'bye\n')]);
    expect(demuxDockerLogs(raw)).toBe('booting...\ncannot connect\nbye\n');
  });

  it('passes the output of a TTY container (no frames) through unchanged', () => {
    expect(demuxDockerLogs(Buffer.from('plain output of a tty\n'))).toBe('plain output of a tty\n');
  });
});
