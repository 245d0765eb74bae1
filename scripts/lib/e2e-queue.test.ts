import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { E2eQueue } from './e2e-queue.ts';

const root = mkdtempSync(join(tmpdir(), 'e2e-queue-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, body: string): void {
  mkdirSync(join(root, 'e2e', path, '..'), { recursive: true });
  writeFileSync(join(root, 'e2e', path), body);
}

file('a-console.test.ts', "import { startConsoleStack } from './console/stack.ts';");
file('b-live.test.ts', 'const live = await startLiveStack({ workerPort: 1 });');
file('c-api.test.ts', "it('lists', () => {});");
file('d-origin.test.ts', 'await launchOrigin({ rtmpPort: 2 });');
file('e-publisher.test.ts', "spawn('ffmpeg', ['-re']);");
file('g-console-publisher.test.ts', 'const pub = startTestPublisher(url);');
file('nested/f-rooms.test.ts', "it('joins', () => {});");
file('harness/helper.ts', "spawn('ffmpeg');");

describe('E2eQueue', () => {
  it('puts the files that publish video first and never hands one to the light lane', () => {
    const queue = new E2eQueue(root);
    expect(queue.size).toBe(7);
    const light: string[] = [];
    for (let f = queue.takeLight(); f; f = queue.takeLight()) light.push(f.path);
    expect(light).toEqual(['e2e/nested/f-rooms.test.ts', 'e2e/c-api.test.ts', 'e2e/a-console.test.ts']);
    const front: string[] = [];
    for (let f = queue.takeFront(); f; f = queue.takeFront()) front.push(f.path);
    expect(front).toEqual([
      'e2e/b-live.test.ts',
      'e2e/d-origin.test.ts',
      'e2e/e-publisher.test.ts',
      'e2e/g-console-publisher.test.ts',
    ]);
  });

  it('lets the front lane take light files when it gets there first', () => {
    const queue = new E2eQueue(root);
    const taken = Array.from({ length: 7 }, () => queue.takeFront()?.path);
    expect(taken.slice(4)).toEqual(['e2e/a-console.test.ts', 'e2e/c-api.test.ts', 'e2e/nested/f-rooms.test.ts']);
    expect(queue.takeLight()).toBeUndefined();
    expect(queue.takeFront()).toBeUndefined();
  });
});
