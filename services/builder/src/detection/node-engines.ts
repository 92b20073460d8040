/**
 * Whether a semver range such as `engines.node` ("^18", ">=18 <21", "16.x || 18.x") admits some version of
 * the given major. Deliberately coarse: it only answers for ranges it fully understands, and returns
 * undefined otherwise, because it exists to warn about ranges that *clearly* exclude the base image's Node.js.
 */
export function rangeAdmitsMajor(range: string, major: number): boolean | undefined {
  const alternatives = range.split('||').map((part) => part.trim());
  let unknown = false;
  for (const alternative of alternatives) {
    const admits = alternativeAdmitsMajor(alternative, major);
    if (admits === true) return true;
    if (admits === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

interface Version {
  major: number;
  /** undefined when the range left it out or wrote x/X/*. */
  minor?: number;
  patch?: number;
}

const VERSION = /^v?(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:[-+][0-9A-Za-z.-]*)?$/;

function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text);
  if (!match) return undefined;
  const part = (value: string | undefined) =>
    value === undefined || /[xX*]/.test(value) ? undefined : Number(value);
  return { major: Number(match[1]), minor: part(match[2]), patch: part(match[3]) };
}

function alternativeAdmitsMajor(alternative: string, major: number): boolean | undefined {
  if (alternative === '' || alternative === '*' || /^[xX]$/.test(alternative)) return true;
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(alternative);
  const comparators = hyphen ? [`>=${hyphen[1]}`, `<=${hyphen[2]}`] : alternative.split(/\s+/);
  let result: boolean | undefined = true;
  for (const comparator of comparators) {
    const admits = comparatorAdmitsMajor(comparator, major);
    if (admits === false) return false;
    if (admits === undefined) result = undefined;
  }
  return result;
}

function comparatorAdmitsMajor(comparator: string, major: number): boolean | undefined {
  const match = /^(>=|<=|>|<|=|\^|~>?)?\s*(.+)$/.exec(comparator);
  const version = match ? parseVersion(match[2] ?? '') : undefined;
  if (!match || !version) return undefined;
  const operator = match[1] ?? '=';
  const exactMajor = version.minor === undefined && version.patch === undefined;
  switch (operator) {
    case '>=':
      return major >= version.major;
    case '>':
      // ">18" means >=19.0.0; ">18.2" still admits later 18.x releases.
      return exactMajor ? major > version.major : major >= version.major;
    case '<':
      // "<20" and "<20.0.0" exclude 20; "<20.5" admits 20.0–20.4.
      return (version.minor ?? 0) === 0 && (version.patch ?? 0) === 0
        ? major < version.major
        : major <= version.major;
    case '<=':
      return major <= version.major;
    case '^':
      // ^0.x pins the minor version, which says nothing useful about Node majors.
      return version.major === 0 ? undefined : major === version.major;
    default:
      // "=", "~", "~>" and a bare version all fix the major.
      return major === version.major;
  }
}
