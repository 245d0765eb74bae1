/**
 * The layers of DESIGN.md as a rule a test can check: who may import whom. Type-only imports do
 * not count (a typed stub names an object class without depending on it). Tests may reach across
 * layers to drive the system; the rule is about the code that ships.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

type Layer = 'core' | 'object' | 'worker' | 'worker-entry' | 'edge' | 'shared' | 'other';

function layerOf(file: string): Layer {
  if (file.startsWith('core/')) return 'core';
  if (file.startsWith('durable-objects/')) return 'object';
  if (file === 'workers/index.ts') return 'worker-entry';
  if (file.startsWith('workers/')) return 'worker';
  if (file.startsWith('packages/shared/')) return 'shared';
  if (file.startsWith('origin/') || file.startsWith('dashboard/') || file.startsWith('packages/')) return 'edge';
  return 'other';
}

/** The folder of an object (`durable-objects/room/...` → `room`). */
const objectOf = (file: string) => file.split('/')[1] ?? '';

/** An object's contract: what routes and other objects may import of it. */
const isContract = (file: string) => /^durable-objects\/[^/]+\/contract(\.ts)?$/.test(file);

/** Value imports (not `import type`, not `export type`), with the specifier as written. */
export function valueImports(source: string): string[] {
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) {
    if (m[5]) {
      out.push(m[5]);
      continue;
    }
    if (m[2]) continue;
    const clause = m[3] ?? '';
    // `import { type A, type B } from` is type-only too.
    const names = clause.match(/^\{([\s\S]*)\}$/)?.[1];
    if (
      names !== undefined &&
      names
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean)
        .every((n) => n.startsWith('type '))
    )
      continue;
    out.push(m[4]!);
  }
  return out;
}

export function check(root: string, files: string[]): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    if (/\.test\.tsx?$|\/test\/|\/test-support\/|\.d\.ts$/.test(file)) continue;
    const from = layerOf(file);
    const source = readFileSync(join(root, file), 'utf8');
    for (const spec of valueImports(source)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(root, resolve(root, dirname(file), spec));
      const to = layerOf(target);
      const bad = (rule: string) => out.push({ file, imports: target, rule });
      if (from === 'core' && to !== 'core' && to !== 'shared') bad('the core imports only itself and packages/shared');
      if (from === 'object' && (to === 'worker' || to === 'worker-entry'))
        bad('an object imports the core and its contracts, never the Worker');
      if (from === 'object' && to === 'object' && objectOf(target) !== objectOf(file) && !isContract(target))
        bad("an object reaches another object only through that object's contract");
      if (from === 'worker' && to === 'object' && !isContract(target))
        bad("routes and services import an object's contract, never its internals");
      if (from === 'shared' && to !== 'shared') bad('packages/shared depends on nothing of ours');
      if (from === 'edge' && (to === 'core' || to === 'object' || to === 'worker' || to === 'worker-entry'))
        bad('the origin, the console and the SDKs import only packages/shared');
    }
  }
  return out;
}
