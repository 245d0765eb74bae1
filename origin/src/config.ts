import path from 'node:path';
import { parseArgs } from 'node:util';
import type { OriginOptions } from './origin.ts';

/** Flags win over environment variables; both are listed in docs/origin.md. */
const spec = {
  'origin-id': { env: 'EDGELIVE_ORIGIN_ID', fallback: 'orig_local' },
  secret: { env: 'EDGELIVE_ORIGIN_SECRET', fallback: undefined },
  'worker-url': { env: 'EDGELIVE_WORKER_URL', fallback: 'http://127.0.0.1:8787' },
  'rtmp-host': { env: 'EDGELIVE_RTMP_HOST', fallback: '0.0.0.0' },
  'rtmp-port': { env: 'EDGELIVE_RTMP_PORT', fallback: '1935' },
  'http-port': { env: 'EDGELIVE_AGENT_PORT', fallback: '8850' },
  'runtime-dir': { env: 'EDGELIVE_RUNTIME_DIR', fallback: undefined },
  'rtmp-module': { env: 'EDGELIVE_RTMP_MODULE', fallback: '/usr/lib/nginx/modules/ngx_rtmp_module.so' },
  'metrics-host': { env: 'EDGELIVE_METRICS_HOST', fallback: '127.0.0.1' },
  'metrics-port': { env: 'EDGELIVE_METRICS_PORT', fallback: undefined },
  // RTMPS is off unless a port is given (443 in production); no certificate means a self-signed one.
  'rtmps-port': { env: 'EDGELIVE_RTMPS_PORT', fallback: undefined },
  'tls-cert': { env: 'EDGELIVE_TLS_CERT', fallback: undefined },
  'tls-key': { env: 'EDGELIVE_TLS_KEY', fallback: undefined },
  // SRT is off unless a UDP port is given; it listens on the RTMP host.
  'srt-port': { env: 'EDGELIVE_SRT_PORT', fallback: undefined },
  // WHIP (WebRTC publishers, OBS 30+) is off unless an HTTP port is given; it listens on the RTMP host.
  'whip-port': { env: 'EDGELIVE_WHIP_PORT', fallback: undefined },
  // The UDP ports WebRTC media may use, `min-max` (open them in the firewall); any free port by default.
  'whip-ice-ports': { env: 'EDGELIVE_WHIP_ICE_PORTS', fallback: undefined },
  // The host in the ingest URLs the origin reports to the fleet (what OBS should dial).
  'public-host': { env: 'EDGELIVE_PUBLIC_HOST', fallback: undefined },
  'stream-module': { env: 'EDGELIVE_STREAM_MODULE', fallback: '/usr/lib/nginx/modules/ngx_stream_module.so' },
} as const;
type Name = keyof typeof spec;

export function originOptionsFrom(argv: string[], env: NodeJS.ProcessEnv): OriginOptions {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.keys(spec).map((k) => [k, { type: 'string' }])) as Record<
      Name,
      { type: 'string' }
    >,
    strict: true,
  });
  const get = (name: Name): string | undefined => values[name] ?? env[spec[name].env] ?? spec[name].fallback;
  const originId = get('origin-id') ?? 'orig_local';
  const secret = get('secret');
  if (!secret) throw new Error(`the origin secret is required: --secret or ${spec.secret.env}`);
  return {
    originId,
    secret,
    workerUrl: get('worker-url') ?? '',
    rtmpHost: get('rtmp-host'),
    rtmpPort: port(get('rtmp-port'), 'rtmp-port'),
    httpPort: port(get('http-port'), 'http-port'),
    runtimeDir: get('runtime-dir') ?? path.join('.edgelive', `origin-${originId}`),
    modulePath: get('rtmp-module'),
    ...(get('metrics-port')
      ? { metricsPort: port(get('metrics-port'), 'metrics-port'), metricsHost: get('metrics-host') }
      : {}),
    rtmps: get('rtmps-port')
      ? {
          port: port(get('rtmps-port'), 'rtmps-port'),
          certPath: get('tls-cert'),
          keyPath: get('tls-key'),
          modulePath: get('stream-module'),
        }
      : undefined,
    srt: get('srt-port') ? { port: port(get('srt-port'), 'srt-port') } : undefined,
    whip: get('whip-port')
      ? { port: port(get('whip-port'), 'whip-port'), icePortRange: portRange(get('whip-ice-ports'), 'whip-ice-ports') }
      : undefined,
    publicHost: get('public-host'),
  };
}

function port(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${name} must be a port number, got ${value}`);
  return n;
}

/** `min-max` (werift wants two different ports), or undefined when not given. */
function portRange(value: string | undefined, name: string): [number, number] | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)-(\d+)$/.exec(value.trim());
  const [min, max] = m ? [port(m[1], name), port(m[2], name)] : [0, 0];
  if (!m || min < 1 || max <= min) throw new Error(`--${name} must be a range like 40000-40100, got ${value}`);
  return [min, max];
}
