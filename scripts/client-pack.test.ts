import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshProject, packWorkspace, typecheckReadmeSnippets } from './lib/pack-check.ts';
import { ROOT } from './lib/worker-process.ts';

/**
 * What a customer gets from npm for the browser: `npm pack` of @edgelive/client (its prepack builds
 * it) holds ESM bundles and declarations and no sources; a fresh project installs the tarball with
 * React, type-checks every TypeScript snippet of the package's README against it (DOM and React
 * types, no access to the repo's sources), and in Node the built room client parses a server frame
 * with the bundled protocol schemas and the installed zod.
 */
const dir = mkdtempSync(join(tmpdir(), 'edgelive-client-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm pack of @edgelive/client', () => {
  it('contains bundles and types, its README snippets type-check in a fresh project, and it runs', () => {
    const { tarball, files } = packWorkspace(dir, '@edgelive/client');
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/react.js',
        'dist/player.js',
        'dist/types/index.d.ts',
        'dist/types/react.d.ts',
        'dist/types/player/index.d.ts',
        'dist/types/shared/rooms.d.ts',
        'README.md',
        'package.json',
      ]),
    );
    expect(files.filter((f) => f.startsWith('src/') || f.endsWith('.ts') !== f.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages/client/package.json'), 'utf8')) as {
      private?: boolean;
      dependencies: Record<string, string>;
    };
    expect(manifest.private).toBeUndefined();
    // The private workspace package is bundled, never a dependency a customer cannot install.
    expect(Object.keys(manifest.dependencies)).not.toContain('@edgelive/shared');

    const app = freshProject(dir, tarball, ['react@19', '@types/react@19']);
    const { snippets, out } = typecheckReadmeSnippets(app, join(ROOT, 'packages/client/README.md'), {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      strict: true,
      noEmit: true,
      types: [],
    });
    expect(snippets).toBeGreaterThanOrEqual(3);
    expect(out).toBe('');

    // The built room client on a socket of our own: a server frame goes through the bundled zod
    // schemas into the state and the listeners.
    writeFileSync(
      join(app, 'run.mjs'),
      `import { RoomClient } from '@edgelive/client';
const on = {};
const socket = { send() {}, close() {}, addEventListener(t, cb) { on[t] = cb; } };
const room = new RoomClient({ baseUrl: 'http://x', roomId: 'room_1', socket: () => socket }).connect();
const events = [];
room.on('message', (f) => events.push(f.message.id));
const onMessage = on.message;
onMessage({ data: JSON.stringify({ type: 'message', message: { id: 'msg_1', seq: 1, kind: 'user', user: { id: 'u', name: 'Ada', avatar: null, role: 'user' }, text: 'hi', reply_to: null, created_at: new Date().toISOString(), edited_at: null, reactions: {} } }) });
onMessage({ data: JSON.stringify({ type: 'message', message: { id: 'msg_2' } }) });
console.log(JSON.stringify({ texts: room.state.messages.map((m) => m.text), events }));
`,
    );
    const ran = JSON.parse(execFileSync(process.execPath, ['run.mjs'], { cwd: app, encoding: 'utf8' }));
    // The malformed second frame is ignored, not half-applied.
    expect(ran).toEqual({ texts: ['hi'], events: ['msg_1'] });
  }, 400_000);
});
