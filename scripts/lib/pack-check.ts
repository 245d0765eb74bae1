import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './worker-process.ts';

/**
 * What the pack tests of the published packages share (scripts/sdk-pack.test.ts,
 * scripts/client-pack.test.ts): `npm pack` of a workspace, a fresh project that installs the
 * tarball, and every TypeScript snippet of the package's README type-checked there with the
 * repo's own TypeScript.
 */
export const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd,
    encoding: 'utf8',
    timeout: 240_000,
  });

/** `npm pack` of the workspace into `dir`: the tarball's path and the files it holds. */
export function packWorkspace(dir: string, workspace: string): { tarball: string; files: string[] } {
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir, '-w', workspace], ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];
  return { tarball: join(dir, packed[0]!.filename), files: packed[0]!.files.map((f) => f.path) };
}

/** A fresh ESM project in `dir/app` with the tarball and `extra` packages installed. */
export function freshProject(dir: string, tarball: string, extra: string[]): string {
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh', private: true, type: 'module' }));
  npm(['install', tarball, ...extra], app);
  return app;
}

/**
 * Writes each ```ts snippet of the README into `app` and type-checks them with these compiler
 * options: how many snippets there were, and what tsc printed ('' when they all check).
 */
export function typecheckReadmeSnippets(
  app: string,
  readme: string,
  compilerOptions: Record<string, unknown>,
): { snippets: number; out: string } {
  const snippets = [...readFileSync(readme, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  for (const [i, s] of snippets.entries()) writeFileSync(join(app, `snippet${i}.ts`), `${s}\nexport {};\n`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', app], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    return { snippets: snippets.length, out: '' };
  } catch (err) {
    return { snippets: snippets.length, out: String((err as { stdout?: string }).stdout ?? err) };
  }
}
