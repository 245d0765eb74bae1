import { originOptionsFrom } from './config.ts';
import { startOrigin } from './origin.ts';

// `node origin/src/main.ts [--origin-id ...]`: one origin in the foreground until SIGINT/SIGTERM.
const origin = await startOrigin(originOptionsFrom(process.argv.slice(2), process.env));
let signals = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (++signals > 1) process.exit(1); // a second Ctrl-C does not wait for uploads
    void origin.stop().then(() => process.exit(0));
  });
}
