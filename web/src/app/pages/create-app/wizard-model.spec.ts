import { APP_NAME_RULE } from '@slipway/contracts';

import {
  effectiveRepoUrl,
  emptyDraft,
  envVarsOf,
  guessFramework,
  mergeEnvRows,
  parseDotenv,
  stepOfField,
  suggestName,
  suggestPort,
  toCreateBody,
  validateEnvironmentStep,
  validateSourceStep,
  WizardDraft,
} from './wizard-model';

function draft(changes: Partial<WizardDraft> = {}): WizardDraft {
  return { ...emptyDraft(), repoUrl: 'https://github.com/acme/shop.git', name: 'shop', ...changes };
}

describe('validateSourceStep', () => {
  it('accepts a git source with a valid name', () => {
    expect(validateSourceStep(draft())).toEqual({});
  });

  it.each(['Shop', '1shop', 'shop-', 'sh op', 'a'.repeat(64)])(
    'rejects the app name %p with the API rule',
    (name) => {
      const errors = validateSourceStep(draft({ name }));
      expect(errors['name']).toBe(APP_NAME_RULE.charAt(0).toUpperCase() + APP_NAME_RULE.slice(1) + '.');
    },
  );

  it('asks for a name when there is none', () => {
    expect(validateSourceStep(draft({ name: '  ' }))['name']).toBe(
      'Name the app: it becomes part of its URL.',
    );
  });

  it('says when the user already has an app with that name', () => {
    expect(validateSourceStep(draft(), ['shop'])['name']).toBe('You already have an app called "shop".');
  });

  it('needs a repository URL, or an owner and repository, for a git source', () => {
    expect(validateSourceStep(draft({ repoUrl: '' }))['repoUrl']).toMatch(/repository URL/);
    expect(validateSourceStep(draft({ repoUrl: '', owner: 'acme', repository: 'shop' }))).toEqual({});
    expect(validateSourceStep(draft({ repoUrl: 'shop' }))['repoUrl']).toMatch(/https:\/\//);
  });

  it('refuses branch names git would refuse', () => {
    expect(validateSourceStep(draft({ branch: 'feature one' }))['branch']).toBeDefined();
    expect(validateSourceStep(draft({ branch: 'a..b' }))['branch']).toBeDefined();
    expect(validateSourceStep(draft({ branch: 'release/1.2' }))).toEqual({});
  });

  it('checks an image reference, and needs an archive file for an upload', () => {
    expect(validateSourceStep(draft({ sourceKind: 'image', image: '' }))['image']).toBeDefined();
    expect(validateSourceStep(draft({ sourceKind: 'image', image: 'Not An Image' }))['image']).toBeDefined();
    expect(
      validateSourceStep(draft({ sourceKind: 'image', image: 'registry.local:5000/team/app:v2' })),
    ).toEqual({});
    expect(validateSourceStep(draft({ sourceKind: 'image', image: 'nginx:1.27' }))).toEqual({});
    expect(validateSourceStep(draft({ sourceKind: 'archive' }))['archive']).toBeDefined();
    expect(validateSourceStep(draft({ sourceKind: 'archive', archiveFileName: 'site.zip' }))).toEqual({});
  });

  it('only accepts plans the API knows', () => {
    expect(validateSourceStep(draft({ plan: 'enterprise' as never }))['plan']).toBe('Choose a plan.');
  });
});

describe('validateEnvironmentStep', () => {
  it('accepts an empty environment', () => {
    expect(validateEnvironmentStep(draft())).toEqual({});
  });

  it.each(['0', '65536', '80.5', 'http'])('rejects the port %p', (port) => {
    expect(validateEnvironmentStep(draft({ port }))['port']).toBe(
      'The port is a whole number from 1 to 65535.',
    );
  });

  it('keys env var errors by row, like the API does', () => {
    const errors = validateEnvironmentStep(
      draft({
        envVars: [
          { name: 'DATABASE_URL', value: 'postgres://db' },
          { name: '1BAD', value: 'x' },
          { name: 'DATABASE_URL', value: 'again' },
          { name: '', value: 'orphan' },
          { name: '', value: '' },
        ],
      }),
    );
    expect(Object.keys(errors).sort()).toEqual(['envVars.1.name', 'envVars.2.name', 'envVars.3.name']);
    expect(errors['envVars.1.name']).toMatch(/^Env var names are letters, digits and _/);
    expect(errors['envVars.2.name']).toBe('DATABASE_URL is already set in row 1.');
  });

  it('wants the health check path to start with a slash', () => {
    expect(validateEnvironmentStep(draft({ healthCheckPath: 'health' }))['healthCheck.path']).toBeDefined();
    expect(validateEnvironmentStep(draft({ healthCheckPath: '/health' }))).toEqual({});
  });
});

describe('parseDotenv', () => {
  it('reads names, quotes, export prefixes and comments', () => {
    const parsed = parseDotenv(
      [
        '# database',
        'DATABASE_URL=postgres://user:pw@db:5432/app',
        'export NODE_ENV=production',
        'GREETING="hello\\nworld"',
        "SINGLE='keep $HOME'",
        'PLAIN=value # a comment',
        '',
        'NODE_ENV=staging',
      ].join('\n'),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.vars).toEqual([
      { name: 'DATABASE_URL', value: 'postgres://user:pw@db:5432/app' },
      { name: 'NODE_ENV', value: 'staging' },
      { name: 'GREETING', value: 'hello\nworld' },
      { name: 'SINGLE', value: 'keep $HOME' },
      { name: 'PLAIN', value: 'value' },
    ]);
  });

  it('reports lines it cannot read, with their numbers', () => {
    expect(parseDotenv('OK=1\njust text\n2BAD=x').problems).toEqual([
      'Line 2 is not NAME=value.',
      'Line 3: "2BAD" is not a valid variable name.',
    ]);
  });
});

describe('mergeEnvRows', () => {
  it('replaces rows with the same name and appends new ones, dropping empty rows', () => {
    expect(
      mergeEnvRows(
        [
          { name: 'A', value: '1' },
          { name: '', value: '' },
        ],
        [
          { name: 'A', value: '2' },
          { name: 'B', value: '3' },
        ],
      ),
    ).toEqual([
      { name: 'A', value: '2' },
      { name: 'B', value: '3' },
    ]);
  });
});

describe('suggestions', () => {
  it('derives a valid app name from the source', () => {
    expect(suggestName(draft({ repoUrl: 'https://github.com/acme/My_Shop.git' }))).toBe('my-shop');
    expect(suggestName(draft({ sourceKind: 'image', image: 'registry.local/team/api-server:v2' }))).toBe(
      'api-server',
    );
    expect(suggestName(draft({ sourceKind: 'archive', archiveFileName: '2024 Site.tar.gz' }))).toBe('site');
  });

  it('composes a GitHub URL from owner and repository', () => {
    expect(effectiveRepoUrl({ repoUrl: '', owner: 'acme', repository: 'shop' })).toBe(
      'https://github.com/acme/shop.git',
    );
  });

  it('guesses a framework and its usual port', () => {
    expect(guessFramework(draft({ sourceKind: 'image', image: 'nginx:1.27' }))).toBe('nginx');
    expect(suggestPort('nginx')).toBe(80);
    expect(suggestPort('nextjs')).toBe(3000);
    expect(suggestPort('')).toBe(8080);
  });
});

describe('toCreateBody', () => {
  it('sends what the API accepts and leaves empty optional fields out', () => {
    expect(
      toCreateBody(draft({ port: '3000', healthCheckPath: '/health', envVars: [{ name: 'A', value: '1' }] })),
    ).toEqual({
      name: 'shop',
      sourceKind: 'git',
      repoUrl: 'https://github.com/acme/shop.git',
      branch: 'main',
      region: 'local',
      plan: 'starter',
      port: 3000,
      database: { enabled: false },
      healthCheck: {
        kind: 'http',
        path: '/health',
        intervalMs: 250,
        timeoutMs: 2_000,
        successesRequired: 1,
        deadlineMs: 60_000,
      },
    });
  });

  it('keeps env vars apart for the call after creation', () => {
    expect(
      envVarsOf({
        envVars: [
          { name: ' A ', value: '1' },
          { name: '', value: '' },
        ],
      }),
    ).toEqual([{ name: 'A', value: '1' }]);
  });
});

describe('stepOfField', () => {
  it('sends server errors to the step that shows the field', () => {
    expect(stepOfField('name')).toBe(1);
    expect(stepOfField('repoUrl')).toBe(1);
    expect(stepOfField('envVars.2.name')).toBe(2);
    expect(stepOfField('healthCheck.path')).toBe(2);
  });
});
