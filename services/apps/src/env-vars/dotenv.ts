import { ENV_VAR_NAME_PATTERN } from '@slipway/contracts';

export interface ParsedDotenv {
  vars: Array<{ name: string; value: string }>;
  /** One sentence per line that could not be read, naming the line number (never its value). */
  problems: string[];
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * Reads `.env` text as most tools write it: `NAME=value`, optional `export `, `#` comments, blank lines,
 * single quotes (literal), double quotes (with \n, \t, \" escapes, may span lines) and unquoted values
 * (trailing ` # comment` removed). A later line wins over an earlier one with the same name.
 */
export function parseDotenv(text: string): ParsedDotenv {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const values = new Map<string, string>();
  const problems: string[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const lineNumber = index + 1;
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      problems.push(`line ${lineNumber}: expected NAME=value`);
      continue;
    }
    const name = match[1] ?? '';
    let rest = match[2] ?? '';
    if (!ENV_VAR_NAME_PATTERN.test(name)) {
      problems.push(`line ${lineNumber}: "${name.slice(0, 64)}" is not a valid variable name`);
      continue;
    }
    let value: string;
    if (rest.startsWith("'") || rest.startsWith('"')) {
      const quote = rest[0] as string;
      // A double-quoted value may continue on the following lines until its closing quote.
      while (!hasClosingQuote(rest, quote) && index + 1 < lines.length) {
        index += 1;
        rest += `\n${lines[index] ?? ''}`;
      }
      const end = closingQuoteIndex(rest, quote);
      if (end < 0) {
        problems.push(`line ${lineNumber}: the quoted value of ${name} is never closed`);
        continue;
      }
      const inner = rest.slice(1, end);
      value = quote === '"' ? inner.replace(/\\(.)/g, (all, char: string) => ESCAPES[char] ?? all) : inner;
    } else {
      value = rest.replace(/\s+#.*$/, '').trim();
    }
    values.set(name, value);
  }
  return { vars: [...values].map(([name, value]) => ({ name, value })), problems };
}

function closingQuoteIndex(text: string, quote: string): number {
  for (let index = 1; index < text.length; index += 1) {
    if (quote === '"' && text[index] === '\\') {
      index += 1;
      continue;
    }
    if (text[index] === quote) return index;
  }
  return -1;
}

function hasClosingQuote(text: string, quote: string): boolean {
  return closingQuoteIndex(text, quote) >= 0;
}
