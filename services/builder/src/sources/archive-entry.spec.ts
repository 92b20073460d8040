import { entryPath } from './archive-entry';
import { SourceError } from './source-error';

describe('entryPath', () => {
  it.each([
    ['package.json', 'package.json'],
    ['./package.json', 'package.json'],
    ['./', ''],
    ['.', ''],
    ['src//app/./main.ts', 'src/app/main.ts'],
    ['app-main/', 'app-main'],
    ['src\\windows\\style.txt', 'src/windows/style.txt'],
    ['..foo/bar..', '..foo/bar..'],
  ])('accepts %j as %j', (name, expected) => {
    expect(entryPath(name)).toBe(expected);
  });

  it.each([
    ['../evil', 'points outside the archive with ".."'],
    ['a/../../evil', 'points outside the archive with ".."'],
    ['a/..', 'points outside the archive with ".."'],
    ['..\\evil', 'points outside the archive with ".."'],
    ['/etc/passwd', 'has an absolute path'],
    ['//server/share', 'has an absolute path'],
    ['C:\\Windows\\evil.dll', 'has an absolute path'],
    ['c:/evil', 'has an absolute path'],
    ['\\evil', 'has an absolute path'],
    ['bad\nname', 'has control characters in its name'],
    ['nul\u0000byte', 'has control characters in its name'],
  ])('refuses %j, naming it', (name, expected) => {
    let caught: unknown;
    try {
      entryPath(name);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(SourceError);
    const message = (caught as SourceError).message;
    expect(message).toContain(expected);
    expect(message).toMatch(/^The archive entry "/);
  });
});
