import { parseDotenv } from './dotenv';

describe('parseDotenv', () => {
  it('reads plain, exported, quoted and commented lines the way .env files are written', () => {
    const parsed = parseDotenv(
      [
        '# database',
        'DATABASE_URL=postgres://u:p@db:5432/app',
        'export NODE_ENV=production',
        "GREETING='hello # not a comment'",
        'MULTI="line one\\nline two"',
        'PLAIN=value # trailing comment',
        'EMPTY=',
        '',
        'SPACED = padded ',
      ].join('\n'),
    );
    expect(parsed.problems).toEqual([]);
    expect(Object.fromEntries(parsed.vars.map((v) => [v.name, v.value]))).toEqual({
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      NODE_ENV: 'production',
      GREETING: 'hello # not a comment',
      MULTI: 'line one\nline two',
      PLAIN: 'value',
      EMPTY: '',
      SPACED: 'padded',
    });
  });

  it('keeps a double-quoted value that spans lines, and lets a later line win', () => {
    const parsed = parseDotenv('KEY="-----BEGIN\nabc\n-----END"\nA=1\nA=2\r\n');
    expect(parsed.vars).toEqual([
      { name: 'KEY', value: '-----BEGIN\nabc\n-----END' },
      { name: 'A', value: '2' },
    ]);
  });

  it('names each unreadable line by number without echoing its value', () => {
    const parsed = parseDotenv('GOOD=1\nthis is not a variable\n1BAD=secret-value\nOPEN="never closed');
    expect(parsed.vars).toEqual([{ name: 'GOOD', value: '1' }]);
    expect(parsed.problems).toEqual([
      'line 2: expected NAME=value',
      'line 3: "1BAD" is not a valid variable name',
      'line 4: the quoted value of OPEN is never closed',
    ]);
    expect(parsed.problems.join(' ')).not.toContain('secret-value');
  });
});
