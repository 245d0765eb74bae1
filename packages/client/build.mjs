/**
 * Builds the publishable @edgelive/client into dist/: ESM bundles for its three entry points and
 * their declaration files. @edgelive/shared (the room protocol's zod schemas and types) is a private
 * workspace package, so it is bundled into the JavaScript and its declarations are shipped under
 * dist/types/shared/, with every `@edgelive/shared` specifier rewritten to point there. What a
 * customer installs beside it (hls.js, partysocket, zod, React) stays external.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const tmp = join(here, '.types-build');
rmSync(dist, { recursive: true, force: true });
rmSync(tmp, { recursive: true, force: true });

await build({
  entryPoints: {
    index: join(here, 'src/index.ts'),
    react: join(here, 'src/react.ts'),
    player: join(here, 'src/player/index.ts'),
  },
  outdir: dist,
  bundle: true,
  // One copy of the shared code (room client, protocol) however many entry points an app imports.
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  external: ['hls.js', 'partysocket', 'partysocket/*', 'react', 'zod'],
  logLevel: 'warning',
});

// Declarations of the client and of the shared sources it names, then moved so that
// dist/types/ mirrors src/ and dist/types/shared/ holds the protocol's types.
const tsc = join(here, '../../node_modules/typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.build.json'), '--outDir', tmp], { stdio: 'inherit' });
const types = join(dist, 'types');
cpSync(join(tmp, 'client/src'), types, { recursive: true });
cpSync(join(tmp, 'shared/src'), join(types, 'shared'), { recursive: true });
rmSync(tmp, { recursive: true, force: true });

const walk = (d) =>
  readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
/** A specifier as it must read from `file` in a published package: relative, with `.js`. */
const resolveSpecifier = (file, spec) => {
  let target;
  if (spec === '@edgelive/shared') target = join(types, 'shared/index');
  else if (spec.startsWith('@edgelive/shared/')) target = join(types, 'shared', spec.slice('@edgelive/shared/'.length));
  else if (spec.startsWith('.')) target = join(dirname(file), spec.replace(/\.(ts|js)$/, ''));
  else return spec;
  if (!existsSync(`${target}.d.ts`) && existsSync(join(target, 'index.d.ts'))) target = join(target, 'index');
  if (!existsSync(`${target}.d.ts`)) throw new Error(`${relative(here, file)}: cannot place ${spec}`);
  const rel = relative(dirname(file), target);
  return `${rel.startsWith('.') ? rel : `./${rel}`}.js`;
};
for (const file of walk(types).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8').replace(
    /(from\s+|import\(\s*)(['"])([^'"]+)\2/g,
    (_, lead, q, spec) => `${lead}${q}${resolveSpecifier(file, spec)}${q}`,
  );
  writeFileSync(file, text);
}
