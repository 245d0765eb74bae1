import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * RTMPS ingest: NGINX's `stream` module terminates TLS on its own port and hands the plain RTMP
 * bytes to the RTMP listener on loopback, so nginx-rtmp (which has no TLS) and the agent see an
 * ordinary publisher and everything after on_publish is the RTMP path. Facebook Live and others
 * only push RTMPS; this is what users otherwise bolt on with stunnel.
 */

export const DEFAULT_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

export interface RtmpsOptions {
  host: string;
  /** 443 in production; any free port locally. */
  port: number;
  certPath: string;
  keyPath: string;
  /** Debian's libnginx-mod-stream. */
  modulePath?: string;
}

/** The `load_module` line the stream block needs (empty when RTMPS is off). */
export function rtmpsModuleLine(rtmps: RtmpsOptions | undefined): string {
  return rtmps ? `load_module ${rtmps.modulePath ?? DEFAULT_STREAM_MODULE};` : '';
}

/**
 * The `stream {}` block: TLS in, RTMP to the loopback side of the RTMP listener. The handshake
 * timeout is short so a port scanner or a client speaking plain RTMP to the TLS port is cut loose
 * quickly instead of holding a connection.
 */
export function renderRtmpsBlock(rtmps: RtmpsOptions | undefined, rtmpHost: string, rtmpPort: number): string {
  if (!rtmps) return '';
  for (const [name, value] of Object.entries({ certPath: rtmps.certPath, keyPath: rtmps.keyPath })) {
    if (/[\s;{}'"]/.test(value))
      throw new Error(`${name} must not contain whitespace, quotes, braces or ';': ${value}`);
  }
  const upstream = rtmpHost === '0.0.0.0' ? '127.0.0.1' : rtmpHost;
  return [
    'stream {',
    '    server {',
    `        listen ${rtmps.host}:${rtmps.port} ssl;`,
    `        ssl_certificate ${rtmps.certPath};`,
    `        ssl_certificate_key ${rtmps.keyPath};`,
    '        ssl_protocols TLSv1.2 TLSv1.3;',
    '        ssl_handshake_timeout 10s;',
    `        proxy_pass ${upstream}:${rtmpPort};`,
    '        proxy_connect_timeout 5s;',
    '    }',
    '}',
  ].join('\n');
}

const run = promisify(execFile);

/**
 * A self-signed certificate for local runs (ffmpeg and OBS publish to it without verifying, as
 * they do to any RTMPS server unless told to verify). Made once per runtime dir and kept, so a
 * restart does not change it. Production passes a real certificate with --tls-cert/--tls-key.
 */
export async function ensureSelfSignedCert(
  dir: string,
  commonName = 'localhost',
): Promise<{ certPath: string; keyPath: string }> {
  const certPath = path.join(dir, 'rtmps-selfsigned.crt');
  const keyPath = path.join(dir, 'rtmps-selfsigned.key');
  if (existsSync(certPath) && existsSync(keyPath)) return { certPath, keyPath };
  await mkdir(dir, { recursive: true });
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '825',
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    `subjectAltName=DNS:${commonName},IP:127.0.0.1`,
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  return { certPath, keyPath };
}
