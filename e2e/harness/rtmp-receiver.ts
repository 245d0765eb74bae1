import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../origin/src/log.ts';
import { DEFAULT_RTMP_MODULE } from '../../origin/src/nginx-config.ts';
import { NginxProcess } from '../../origin/src/nginx-process.ts';
import { ensureSelfSignedCert, renderRtmpsBlock, rtmpsModuleLine } from '../../origin/src/rtmps.ts';

/**
 * A stand-in for YouTube or Twitch ingest: a second NGINX-RTMP on 127.0.0.1 that accepts any
 * publisher on `live` and records what arrives to FLV files, which the test probes with ffprobe.
 * Stopping and starting it again on the same port is a receiver going down and coming back.
 * With `tlsPort` it is an RTMPS receiver (what Facebook Live and YouTube's rtmps ingest are): NGINX's
 * stream module terminates TLS there with a self-signed certificate, as the origin's own RTMPS
 * front does, and `url` is the `rtmps://` one; the plain RTMP port is then only its inside.
 */
export class RtmpReceiver {
  readonly port: number;
  readonly tlsPort: number | null;
  readonly dir: string;
  private nginx: NginxProcess | null = null;

  constructor(port: number, opts: { tlsPort?: number } = {}) {
    this.port = port;
    this.tlsPort = opts.tlsPort ?? null;
    this.dir = mkdtempSync(path.join(tmpdir(), `edgelive-receiver-${port}-`));
    mkdirSync(path.join(this.dir, 'rec'), { recursive: true });
    mkdirSync(path.join(this.dir, 'tmp'), { recursive: true });
    // Run as root, NGINX's workers drop to `nobody`: they must be able to write the recordings.
    chmodSync(this.dir, 0o755);
    chmodSync(path.join(this.dir, 'rec'), 0o777);
  }

  get url(): string {
    return this.tlsPort ? `rtmps://127.0.0.1:${this.tlsPort}/live` : `rtmp://127.0.0.1:${this.port}/live`;
  }

  async start(): Promise<void> {
    const conf = path.join(this.dir, 'nginx.conf');
    const tls = this.tlsPort
      ? { host: '127.0.0.1', port: this.tlsPort, ...(await ensureSelfSignedCert(path.join(this.dir, 'tls'))) }
      : undefined;
    writeFileSync(
      conf,
      `load_module ${DEFAULT_RTMP_MODULE};
${rtmpsModuleLine(tls)}
worker_processes 1;
pid ${this.dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 64; }
rtmp {
  server {
    listen 127.0.0.1:${this.port};
    application live {
      live on;
      record all;
      record_path ${this.dir}/rec;
      record_unique on;
    }
  }
}
http {
  access_log off;
  client_body_temp_path ${this.dir}/tmp/cb;
  proxy_temp_path ${this.dir}/tmp/p;
  fastcgi_temp_path ${this.dir}/tmp/f;
  uwsgi_temp_path ${this.dir}/tmp/u;
  scgi_temp_path ${this.dir}/tmp/s;
}
${renderRtmpsBlock(tls, '127.0.0.1', this.port)}
`,
    );
    this.nginx = new NginxProcess();
    await this.nginx.start({
      prefix: this.dir,
      configPath: conf,
      rtmpHost: '127.0.0.1',
      rtmpPort: this.port,
      log: process.env.EDGELIVE_TEST_LOGS ? (l, m) => console.error(`[receiver ${this.port}] ${l} ${m}`) : silentLogger,
    });
  }

  async stop(): Promise<void> {
    await this.nginx?.stop();
    this.nginx = null;
  }

  /** The recorded FLV files, oldest first, with their sizes. */
  recordings(): { file: string; bytes: number }[] {
    return readdirSync(path.join(this.dir, 'rec'))
      .filter((f) => f.endsWith('.flv'))
      .map((f) => ({ file: path.join(this.dir, 'rec', f), bytes: statSync(path.join(this.dir, 'rec', f)).size }))
      .sort((a, b) => a.file.localeCompare(b.file));
  }

  totalBytes(): number {
    return this.recordings().reduce((n, r) => n + r.bytes, 0);
  }

  async cleanup(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface FlvProbe {
  video: { codec: string; width: number; height: number } | null;
  audio: string | null;
  durationS: number;
}

/** ffprobe of a (possibly still growing) FLV recording: its streams and how much media it holds. */
export function probeFlv(file: string): FlvProbe {
  const r = spawnSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height:format=duration', '-of', 'json', file],
    { encoding: 'utf8', timeout: 20_000 },
  );
  const parsed = JSON.parse(r.stdout || '{}') as {
    streams?: { codec_type: string; codec_name: string; width?: number; height?: number }[];
    format?: { duration?: string };
  };
  const v = parsed.streams?.find((s) => s.codec_type === 'video');
  const a = parsed.streams?.find((s) => s.codec_type === 'audio');
  // A live recording has no duration in its header: count the packets' time instead.
  let durationS = Number(parsed.format?.duration ?? 0);
  if (!Number.isFinite(durationS) || durationS <= 0) {
    const pk = spawnSync(
      'ffprobe',
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file],
      { encoding: 'utf8', timeout: 20_000 },
    );
    const times = pk.stdout
      .split('\n')
      .map(Number)
      .filter((t) => Number.isFinite(t));
    durationS = times.length ? Math.max(...times) - Math.min(...times) : 0;
  }
  return {
    video: v ? { codec: v.codec_name, width: v.width ?? 0, height: v.height ?? 0 } : null,
    audio: a?.codec_name ?? null,
    durationS,
  };
}
