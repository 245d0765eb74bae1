import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

/**
 * Publishes a test pattern (colour bars, a clock, a 440 Hz tone) to an RTMP URL, for anyone
 * without OBS: `npm run publish-test-pattern -w @edgelive/origin -- rtmp://127.0.0.1:1935/live/<stream key>`
 * (or the RTMP URL and key that `npm start` wrote to .edgelive/local.json).
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: 'string', default: '1280x720' },
    rate: { type: 'string', default: '30' },
    // Keyframe every 2 s: the segment length of the standard latency mode.
    keyint: { type: 'string', default: '2' },
    seconds: { type: 'string' },
  },
});
const url = positionals[0];
if (!url?.startsWith('rtmp://')) {
  console.error(
    'usage: publish-test-pattern.ts rtmp://host:port/live/<stream key> [--size 1920x1080] [--rate 30] [--keyint 2] [--seconds N]',
  );
  process.exit(2);
}
const rate = Number(values.rate);
const args = [
  '-hide_banner',
  '-loglevel',
  'warning',
  '-re',
  '-f',
  'lavfi',
  '-i',
  `testsrc2=size=${values.size}:rate=${rate}`,
  '-f',
  'lavfi',
  '-i',
  'sine=frequency=440:sample_rate=48000',
  ...(values.seconds ? ['-t', values.seconds] : []),
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-tune',
  'zerolatency',
  '-pix_fmt',
  'yuv420p',
  '-g',
  String(Math.round(rate * Number(values.keyint))),
  '-b:v',
  '3000k',
  '-c:a',
  'aac',
  '-b:a',
  '128k',
  '-f',
  'flv',
  url,
];
// The URL ends in the stream key: say where we publish without printing it.
console.error(`publishing a test pattern to ${url.replace(/[^/]+$/, '<stream key>')} (Ctrl-C to stop)`);
const child = spawn('ffmpeg', args, { stdio: ['ignore', 'inherit', 'inherit'] });
process.on('SIGINT', () => child.kill('SIGINT'));
child.on('exit', (code) => process.exit(code ?? 0));
