import {
  APP_NAME_PATTERN,
  APP_NAME_RULE,
  APP_PLANS,
  type AppPlan,
  type AppSourceKind,
  DEFAULT_HEALTH_CHECK,
  DATABASE_TYPES,
  type DatabaseType,
  ENV_VAR_NAME_PATTERN,
  ENV_VAR_NAME_RULE,
  ENV_VAR_VALUE_MAX_LENGTH,
  ENV_VARS_PER_APP_MAX,
} from '@slipway/contracts';

import type { CreateAppBody } from '../../core/api/api-client.service';

/*
 * The create-app wizard's rules as plain functions: the same patterns and limits as the API (imported
 * from the contracts), so the form refuses what the gateway would refuse, with the same words.
 */

export interface EnvRow {
  name: string;
  value: string;
}

export interface WizardDraft {
  sourceKind: AppSourceKind;
  repoUrl: string;
  owner: string;
  repository: string;
  branch: string;
  image: string;
  /** The archive the user picked (uploaded when they deploy). */
  archiveFileName: string;
  name: string;
  region: string;
  framework: string;
  plan: AppPlan;
  databaseEnabled: boolean;
  databaseType: DatabaseType;
  port: string;
  envVars: EnvRow[];
  installCommand: string;
  buildCommand: string;
  startCommand: string;
  healthCheckPath: string;
}

export type FieldErrors = Record<string, string>;

export const PLANS: ReadonlyArray<{ plan: AppPlan; title: string; resources: string; detail: string }> = [
  {
    plan: 'starter',
    title: 'Starter',
    resources: '0.5 CPU · 256 MB memory',
    detail: 'Side projects, previews and small APIs.',
  },
  {
    plan: 'pro',
    title: 'Pro',
    resources: '2 CPU · 1 GB memory',
    detail: 'Production traffic and heavier builds.',
  },
];
// The cards above must cover every plan the API knows.
export const PLAN_NAMES: readonly AppPlan[] = APP_PLANS;

export const REGIONS = [
  { id: 'local', label: 'This server (local)' },
  { id: 'eu-west', label: 'Europe (west)' },
  { id: 'us-east', label: 'United States (east)' },
] as const;

export const FRAMEWORKS = [
  { id: '', label: 'Detect when building', port: 8080 },
  { id: 'node', label: 'Node.js', port: 3000 },
  { id: 'express', label: 'Express', port: 3000 },
  { id: 'nextjs', label: 'Next.js', port: 3000 },
  { id: 'static', label: 'Static site', port: 8080 },
  { id: 'python', label: 'Python', port: 8000 },
  { id: 'dockerfile', label: 'Dockerfile', port: 8080 },
  { id: 'nginx', label: 'nginx', port: 80 },
] as const;

export const DATABASES: ReadonlyArray<{ type: DatabaseType; label: string }> = DATABASE_TYPES.map((type) => ({
  type,
  label: { postgres: 'PostgreSQL', mysql: 'MySQL', mongodb: 'MongoDB', redis: 'Redis' }[type],
}));

export function emptyDraft(): WizardDraft {
  return {
    sourceKind: 'git',
    repoUrl: '',
    owner: '',
    repository: '',
    branch: 'main',
    image: '',
    archiveFileName: '',
    name: '',
    region: 'local',
    framework: '',
    plan: 'starter',
    databaseEnabled: false,
    databaseType: 'postgres',
    port: '',
    envVars: [],
    installCommand: '',
    buildCommand: '',
    startCommand: '',
    healthCheckPath: '/',
  };
}

/** The repository URL the draft points at: typed, or composed from a GitHub owner and repository. */
export function effectiveRepoUrl(draft: Pick<WizardDraft, 'repoUrl' | 'owner' | 'repository'>): string {
  const typed = draft.repoUrl.trim();
  if (typed) {
    return typed;
  }
  const owner = draft.owner.trim();
  const repository = draft.repository.trim().replace(/\.git$/, '');
  return owner && repository ? `https://github.com/${owner}/${repository}.git` : '';
}

/** A name suggestion from the source: `https://github.com/acme/My_Shop.git` → `my-shop`. */
export function suggestName(
  draft: Pick<WizardDraft, 'sourceKind' | 'repoUrl' | 'owner' | 'repository' | 'image' | 'archiveFileName'>,
): string {
  let base = '';
  if (draft.sourceKind === 'git') {
    base =
      effectiveRepoUrl(draft)
        .split('/')
        .pop()
        ?.replace(/\.git$/, '') ?? '';
  } else if (draft.sourceKind === 'image') {
    base = draft.image.split('/').pop()?.split(/[:@]/)[0] ?? '';
  } else {
    base = draft.archiveFileName.replace(/\.(zip|tar|tgz|tar\.gz)$/i, '');
  }
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+/g, '-')
    .slice(0, 63)
    .replace(/-+$/, '');
  return APP_NAME_PATTERN.test(slug) ? slug : '';
}

/** A framework guess from what is known before building (the builder detects for real). */
export function guessFramework(
  draft: Pick<WizardDraft, 'sourceKind' | 'image' | 'repoUrl' | 'owner' | 'repository'>,
): string {
  const text = (draft.sourceKind === 'image' ? draft.image : effectiveRepoUrl(draft)).toLowerCase();
  if (/next/.test(text)) return 'nextjs';
  if (/express/.test(text)) return 'express';
  if (/nginx|httpd|caddy/.test(text)) return draft.sourceKind === 'image' ? 'nginx' : 'static';
  if (/python|django|flask|fastapi/.test(text)) return 'python';
  if (/node/.test(text)) return 'node';
  return '';
}

/** The port a framework usually listens on. */
export function suggestPort(framework: string): number {
  return FRAMEWORKS.find((entry) => entry.id === framework)?.port ?? 8080;
}

// [registry[:port]/]path[:tag][@sha256:digest], as Docker reads it.
const IMAGE_REFERENCE =
  /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const GIT_URL = /^(https?:\/\/|git@|ssh:\/\/|file:\/\/|\/)/;

/** Step 1: source and app details. Keys are the API's field names where there is one. */
export function validateSourceStep(draft: WizardDraft, takenNames: readonly string[] = []): FieldErrors {
  const errors: FieldErrors = {};
  if (draft.sourceKind === 'git') {
    const url = effectiveRepoUrl(draft);
    if (!url) {
      errors['repoUrl'] = 'Enter the repository URL, or the owner and repository on GitHub.';
    } else if (!GIT_URL.test(url)) {
      errors['repoUrl'] = 'Use an https:// (or git@) URL of a git repository.';
    } else if (url.length > 2048) {
      errors['repoUrl'] = 'repoUrl must be at most 2048 characters';
    }
    if (draft.branch.length > 255) {
      errors['branch'] = 'branch must be at most 255 characters';
    } else if (/\s|\.\.|^-/.test(draft.branch)) {
      errors['branch'] = 'A branch name has no spaces, no ".." and does not start with "-".';
    }
  } else if (draft.sourceKind === 'image') {
    const image = draft.image.trim();
    if (!image) {
      errors['image'] = 'Enter an image, e.g. nginx:1.27.';
    } else if (image.length > 512 || !IMAGE_REFERENCE.test(image)) {
      errors['image'] = 'Use an image reference like nginx:1.27 or registry.example.com/team/app:v2.';
    }
  } else if (!draft.archiveFileName) {
    errors['archive'] = 'Choose a .zip, .tar or .tar.gz file with your source.';
  }

  const name = draft.name.trim();
  if (!name) {
    errors['name'] = 'Name the app: it becomes part of its URL.';
  } else if (!APP_NAME_PATTERN.test(name)) {
    errors['name'] = capitalize(APP_NAME_RULE) + '.';
  } else if (takenNames.includes(name)) {
    errors['name'] = `You already have an app called "${name}".`;
  }
  if (!/^[a-z0-9-]{1,32}$/.test(draft.region)) {
    errors['region'] = 'Choose a region.';
  }
  if (!(APP_PLANS as readonly string[]).includes(draft.plan)) {
    errors['plan'] = 'Choose a plan.';
  }
  if (draft.databaseEnabled && !(DATABASE_TYPES as readonly string[]).includes(draft.databaseType)) {
    errors['database.type'] = 'Choose a database type.';
  }
  return errors;
}

/** Step 2: environment. Env var errors are keyed `envVars.<row>.name|value`. */
export function validateEnvironmentStep(draft: WizardDraft): FieldErrors {
  const errors: FieldErrors = {};
  const port = draft.port.trim();
  if (port && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)) {
    errors['port'] = 'The port is a whole number from 1 to 65535.';
  }
  const seen = new Map<string, number>();
  draft.envVars.forEach((row, index) => {
    const name = row.name.trim();
    if (!name && !row.value) {
      return; // an empty row is ignored, not an error
    }
    if (!name) {
      errors[`envVars.${index}.name`] = 'Name this variable, or remove the row.';
    } else if (!ENV_VAR_NAME_PATTERN.test(name)) {
      errors[`envVars.${index}.name`] = capitalize(ENV_VAR_NAME_RULE) + '.';
    } else if (seen.has(name)) {
      errors[`envVars.${index}.name`] = `${name} is already set in row ${(seen.get(name) ?? 0) + 1}.`;
    } else {
      seen.set(name, index);
    }
    if (row.value.length > ENV_VAR_VALUE_MAX_LENGTH) {
      errors[`envVars.${index}.value`] = `Values are at most ${ENV_VAR_VALUE_MAX_LENGTH} characters.`;
    }
  });
  if (seen.size > ENV_VARS_PER_APP_MAX) {
    errors['envVars'] = `An app has at most ${ENV_VARS_PER_APP_MAX} variables.`;
  }
  for (const field of ['installCommand', 'buildCommand', 'startCommand'] as const) {
    if (draft[field].length > 1024) {
      errors[field] = 'Commands are at most 1024 characters.';
    }
  }
  const path = draft.healthCheckPath.trim();
  if (path && (!path.startsWith('/') || path.length > 512 || /\s/.test(path))) {
    errors['healthCheck.path'] = 'The health check path starts with / and has no spaces, e.g. /health.';
  }
  return errors;
}

export interface ParsedDotenv {
  vars: EnvRow[];
  /** Lines that could not be read, with their line number. */
  problems: string[];
}

/**
 * Reads a `.env` block: `NAME=value` lines, `#` comments, blank lines, an optional `export ` prefix,
 * values in single or double quotes (double quotes understand \n), inline ` #` comments after unquoted
 * values. A later line wins over an earlier one with the same name.
 */
export function parseDotenv(text: string): ParsedDotenv {
  const byName = new Map<string, string>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) {
      return;
    }
    const match = /^(?:export\s+)?([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      problems.push(`Line ${index + 1} is not NAME=value.`);
      return;
    }
    const name = match[1] ?? '';
    if (!ENV_VAR_NAME_PATTERN.test(name)) {
      problems.push(`Line ${index + 1}: "${name}" is not a valid variable name.`);
      return;
    }
    byName.set(name, unquote(match[2] ?? ''));
  });
  return { vars: [...byName].map(([name, value]) => ({ name, value })), problems };
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length >= 2) {
    const end = value.lastIndexOf(quote);
    if (end > 0) {
      const inner = value.slice(1, end);
      return quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"') : inner;
    }
  }
  return value.replace(/\s+#.*$/, '');
}

/** Merges parsed rows into the existing ones: same name → replaced in place, new names appended. */
export function mergeEnvRows(existing: readonly EnvRow[], incoming: readonly EnvRow[]): EnvRow[] {
  const rows = existing.filter((row) => row.name.trim() || row.value).map((row) => ({ ...row }));
  for (const row of incoming) {
    const match = rows.find((candidate) => candidate.name.trim() === row.name);
    if (match) {
      match.value = row.value;
    } else {
      rows.push({ ...row });
    }
  }
  return rows;
}

/**
 * The `POST /apps` body for a valid draft (empty optional fields left out). Env vars are not part of it:
 * the API takes them separately (`envVarsOf`), after the app exists and before its first deploy.
 */
export function toCreateBody(draft: WizardDraft): CreateAppBody {
  const optional = (value: string) => (value.trim() ? value.trim() : undefined);
  const body: CreateAppBody = {
    name: draft.name.trim(),
    sourceKind: draft.sourceKind,
    region: draft.region,
    plan: draft.plan,
    framework: optional(draft.framework),
    port: draft.port.trim() ? Number(draft.port) : undefined,
    installCommand: optional(draft.installCommand),
    buildCommand: optional(draft.buildCommand),
    startCommand: optional(draft.startCommand),
    database: draft.databaseEnabled ? { enabled: true, type: draft.databaseType } : { enabled: false },
  };
  if (draft.sourceKind === 'git') {
    body.repoUrl = effectiveRepoUrl(draft);
    body.branch = optional(draft.branch);
  } else if (draft.sourceKind === 'image') {
    body.image = draft.image.trim();
  }
  const path = draft.healthCheckPath.trim();
  if (path && path !== '/') {
    body.healthCheck = { ...DEFAULT_HEALTH_CHECK, path };
  }
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as CreateAppBody;
}

/** The env vars to store before the first deploy (empty rows dropped, names trimmed). */
export function envVarsOf(draft: Pick<WizardDraft, 'envVars'>): EnvRow[] {
  return draft.envVars
    .filter((row) => row.name.trim())
    .map((row) => ({ name: row.name.trim(), value: row.value }));
}

/** Which step shows a server error for this field. */
export function stepOfField(field: string): 1 | 2 {
  return /^(port|envVars|installCommand|buildCommand|startCommand|healthCheck)/.test(field) ? 2 : 1;
}

/** Server field names mapped onto the wizard's (`healthCheck.path` stays, `repoUrl` stays, ...). */
export const WIZARD_FIELDS = [
  'name',
  'sourceKind',
  'repoUrl',
  'branch',
  'image',
  'archiveObject',
  'region',
  'plan',
  'framework',
  'database',
  'port',
  'envVars',
  'installCommand',
  'buildCommand',
  'startCommand',
  'healthCheck',
] as const;

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
