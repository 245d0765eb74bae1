/**
 * `./edgelive publish`: a test pattern to the demo stream of the running local stack, for anyone
 * without OBS. Extra arguments go to the publisher (e.g. `--size 1920x1080 --seconds 60`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/worker-process.ts';

const localJson = join(process.env.EDGELIVE_HOME ?? join(ROOT, '.edgelive'), 'local.json');
if (!existsSync(localJson)) {
  console.error('No local stack found: run ./edgelive start first (in another terminal).');
  process.exit(1);
}
const local = JSON.parse(readFileSync(localJson, 'utf8')) as {
  demo: { stream: { publish_url: string; playback_url: string } };
};
console.log(`Publishing a test pattern; watch at ${local.demo.stream.playback_url}. Ctrl-C stops.`);
const res = spawnSync(
  process.execPath,
  [join(ROOT, 'origin/scripts/publish-test-pattern.ts'), local.demo.stream.publish_url, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(res.status ?? 0);
