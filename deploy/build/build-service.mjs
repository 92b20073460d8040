#!/usr/bin/env node
// Production build of Slipway services: TypeScript -> CommonJS with @swc/core (no type check; `npm run
// typecheck` does that). Decorator metadata is emitted exactly as in development, because NestJS's
// dependency injection and the config validation read it.
//
// Usage: node deploy/build/build-service.mjs <service> [<service> ...]
//
// For each service the output is dist/services/<service>/, laid out like the repository so relative
// paths keep working:
//
//   dist/services/<service>/main.js                      entry point: `node dist/services/<service>/main.js`
//   dist/services/<service>/services/<service>/src/...   the service's own code (+ .js.map)
//   dist/services/<service>/libs/<lib>/src/...           every lib the service reaches, and no other
//
// What is compiled: every non-test file of services/<service>/src, then, following the compiled
// require() calls, every lib that code reaches (whole lib src folders, without *.spec.ts, *.int-spec.ts and
// *.e2e-spec.ts). `@slipway/*` aliases (tsconfig.base.json `paths`) become relative requires. The build
// fails, naming the file, when compiled code requires a file that is not part of the output, imports
// libs/testing or another service, keeps an unresolved `@slipway/*` alias, or needs a package that is
// only a devDependency (the production image installs `dependencies` only).
import { transformFile } from '@swc/core';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVICES = ['gateway', 'apps', 'builder', 'runtime', 'logs'];
/** Test helpers start real dependencies; production code must never reach them. */
const TEST_ONLY_LIBS = ['libs/testing/src'];
const TEST_FILE = /\.(spec|int-spec|e2e-spec)\.ts$/;

const out = (line) => process.stdout.write(`${line}\n`);

class BuildError extends Error {}

/** Repository-relative path with forward slashes (the form used in messages and in the output tree). */
const rel = (absolute) => path.relative(ROOT, absolute).split(path.sep).join('/');

function readJson(file) {
  return JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
}

/** `@slipway/*` aliases from tsconfig.base.json, and the lib source folder each points into. */
function readAliases() {
  const { paths = {} } = readJson('tsconfig.base.json').compilerOptions ?? {};
  const aliases = {};
  for (const [alias, [target]] of Object.entries(paths)) {
    const libSrc = path.posix.dirname(target);
    // Leaving test-only libs out of `paths` keeps their alias unresolved, which the checks below report.
    if (TEST_ONLY_LIBS.includes(libSrc)) continue;
    aliases[alias] = { target, libSrc };
  }
  return aliases;
}

async function listTypeScript(dir) {
  const entries = await readdir(path.join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => rel(path.join(entry.parentPath, entry.name)))
    .filter((file) => !TEST_FILE.test(file))
    .sort();
}

function swcOptions(aliases) {
  // Mirrors what @swc-node/register derives from tsconfig.base.json in development (target ES2022, so
  // define semantics for class fields; class names kept; esModuleInterop-style interop).
  return {
    swcrc: false,
    configFile: false,
    sourceMaps: true,
    module: { type: 'commonjs', strict: false, strictMode: true },
    jsc: {
      parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
      target: 'es2022',
      keepClassNames: true,
      externalHelpers: false,
      baseUrl: ROOT,
      paths: Object.fromEntries(Object.entries(aliases).map(([alias, { target }]) => [alias, [target]])),
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
    },
  };
}

/** Every `require("...")` in swc's CommonJS output (static imports, re-exports and dynamic imports). */
function requiredSpecifiers(code) {
  return [...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]);
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BUILTINS = new Set(builtinModules);
const isBuiltin = (specifier) => specifier.startsWith('node:') || BUILTINS.has(packageName(specifier));

/** The source file a relative require in `fromFile` lands on, as Node would resolve the compiled output. */
function resolveSource(fromFile, specifier) {
  const base = path.posix.join(path.posix.dirname(fromFile), specifier);
  const stem = base.replace(/\.js$/, '');
  return [`${stem}.ts`, `${base}/index.ts`].find((candidate) => existsSync(path.join(ROOT, candidate)));
}

async function buildService(service, aliases, manifest) {
  const started = performance.now();
  const serviceSrc = `services/${service}/src`;
  if (!existsSync(path.join(ROOT, serviceSrc, 'main.ts'))) {
    throw new BuildError(`${serviceSrc}/main.ts does not exist`);
  }
  const outDir = path.join(ROOT, 'dist/services', service);
  await rm(outDir, { recursive: true, force: true });

  const options = swcOptions(aliases);
  const libSrcDirs = Object.values(aliases).map(({ libSrc }) => libSrc);
  const outputs = new Map(); // source file -> { code, map }
  const libs = new Set();
  const problems = [];
  const packages = new Map(); // package name -> first file requiring it

  let pending = await listTypeScript(serviceSrc);
  while (pending.length > 0) {
    const batch = pending.filter((file) => !outputs.has(file));
    pending = [];
    const results = await Promise.all(
      batch.map(async (file) => [file, await transformFile(path.join(ROOT, file), options)]),
    );
    for (const [file, result] of results) {
      outputs.set(file, result);
      for (const specifier of requiredSpecifiers(result.code)) {
        if (specifier.startsWith('@slipway/')) {
          problems.push(`${file}: "${specifier}" is not a production lib alias (tsconfig.base.json paths)`);
        } else if (specifier.startsWith('.')) {
          const target = resolveSource(file, specifier);
          if (!target) {
            problems.push(`${file}: require("${specifier}") matches no TypeScript source`);
            continue;
          }
          const inOwnService = target.startsWith(`${serviceSrc}/`);
          const lib = libSrcDirs.find((dir) => target.startsWith(`${dir}/`));
          if (TEST_FILE.test(target) || TEST_ONLY_LIBS.some((dir) => target.startsWith(`${dir}/`))) {
            problems.push(`${file}: production code requires test code ${target}`);
          } else if (lib && !libs.has(lib)) {
            libs.add(lib);
            pending.push(...(await listTypeScript(lib)));
          } else if (!lib && !inOwnService) {
            problems.push(`${file}: requires ${target}, outside ${serviceSrc} and the libs`);
          }
        } else if (!isBuiltin(specifier)) {
          const name = packageName(specifier);
          if (!packages.has(name)) packages.set(name, file);
        }
      }
    }
  }

  const warnings = [];
  for (const [name, file] of packages) {
    if (manifest.dependencies?.[name]) continue;
    if (manifest.devDependencies?.[name]) {
      problems.push(`${file}: needs "${name}" at run time, but it is only a devDependency`);
    } else {
      warnings.push(
        `"${name}" (required by ${file}) is not a direct dependency; it is found only by hoisting`,
      );
    }
  }
  if (problems.length > 0) {
    throw new BuildError(`${service}: the build is not self-contained:\n  - ${problems.join('\n  - ')}`);
  }

  await Promise.all(
    [...outputs].map(async ([file, { code, map }]) => {
      const target = path.join(outDir, file.replace(/\.ts$/, '.js'));
      const sourceMap = JSON.parse(map);
      // The output mirrors the source tree, so the original sits beside the .js: stack traces (run with
      // --enable-source-maps) name services/<service>/src/... exactly as in the repository.
      sourceMap.sources = [path.posix.basename(file)];
      sourceMap.file = path.posix.basename(target);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
      await writeFile(`${target}.map`, JSON.stringify(sourceMap));
    }),
  );
  await writeFile(
    path.join(outDir, 'main.js'),
    [
      `'use strict';`,
      `// Entry point of the built ${service} service (generated by deploy/build/build-service.mjs).`,
      `require('./${serviceSrc}/main.js');`,
      '',
    ].join('\n'),
  );

  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  out(
    `${service}: ${outputs.size} files (${[...libs].sort().join(', ') || 'no libs'}) -> ${rel(outDir)}/main.js in ${seconds} s`,
  );
  for (const warning of warnings) out(`${service}: warning: ${warning}`);
}

async function main(args) {
  if (args.length === 0 || args.some((arg) => arg === '-h' || arg === '--help')) {
    out(
      `Usage: node deploy/build/build-service.mjs <service> [<service> ...]   (services: ${SERVICES.join(', ')})`,
    );
    return args.length === 0 ? 64 : 0;
  }
  const unknown = args.filter((arg) => !SERVICES.includes(arg));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown service: ${unknown.join(', ')}. Known: ${SERVICES.join(', ')}\n`);
    return 64;
  }
  const started = performance.now();
  const aliases = readAliases();
  const manifest = readJson('package.json');
  for (const service of args) await buildService(service, aliases, manifest);
  out(`Built ${args.join(', ')} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`build-service: ${error instanceof BuildError ? error.message : error.stack}\n`);
    process.exit(1);
  },
);
