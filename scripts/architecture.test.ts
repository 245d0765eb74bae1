import { execSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { check, valueImports } from './lib/dependency-rules.ts';
import { ROOT } from './lib/worker-process.ts';

describe('dependency rule', () => {
  it('reads value imports and skips type-only ones', () => {
    const src = [
      "import type { A } from './a';",
      "import { type B, type C } from './b';",
      "import { D, type E } from './d';",
      "export { F } from './f';",
      "export type { G } from './g';",
      "import './side-effect';",
      'import {\n  H,\n  I,\n} from "./h";',
    ].join('\n');
    expect(valueImports(src)).toEqual(['./d', './f', './side-effect', './h']);
  });

  it('holds for every source file: objects never import the Worker, routes only object contracts', () => {
    const files = execSync('git ls-files --cached --others --exclude-standard "*.ts" "*.tsx"', {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    const violations = check(ROOT, files).map((v) => `${v.file} -> ${v.imports}: ${v.rule}`);
    expect(violations).toEqual([]);
  });
});
