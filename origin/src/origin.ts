import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HEARTBEAT_MS, type IngestUrls } from '@edgelive/shared/origin-fleet';
import { HEALTH } from '@edgelive/shared/stream-health';
import { Agent } from './agent.ts';
import { createLogger, type Logger } from './log.ts';
import { startMediaJobs } from './media-jobs/start.ts';
import { serveMetrics } from './metrics-server.ts';
import { controlSocketPath, DEFAULT_RTMP_MODULE, renderNginxConfig } from './nginx-config.ts';
import { NginxProcess } from './nginx-process.ts';
import type { PublicationTimings } from './publication.ts';
import { ensureSelfSignedCert, type RtmpsOptions } from './rtmps.ts';
import { SrtIngest } from './srt-ingest.ts';
import { WhipServer } from './whip/whip-server.ts';

export interface OriginOptions {
  originId: string;
  secret: string;
  /** The control-plane Worker, e.g. http://127.0.0.1:8787 */
  workerUrl: string;
  rtmpPort: number;
  /** Where RTMP listens; 0.0.0.0 for OBS on other machines. */
  rtmpHost?: string;
  /** The agent's callback port (0 picks a free one); it listens on loopback only. */
  httpPort: number;
  /** Everything this origin writes (nginx prefix, pid, temp, config, segments) lives here. */
  runtimeDir: string;
  modulePath?: string;
  maxBufferedBytes?: number;
  uploadBaseDelayMs?: number;
  uploadMaxDelayMs?: number;
  timings?: Partial<PublicationTimings>;
  log?: Logger;
  /** A second listener for `GET /metrics` only, for a Prometheus outside this host (the agent's own port is loopback). */
  metricsPort?: number;
  metricsHost?: string;
  /** Take media jobs (MP4s) from the Worker's queue; on unless false. */
  mediaJobs?: boolean;
  /** RTMPS ingest (rtmps.ts): TLS on this port in front of RTMP; off when absent. */
  rtmps?: { port: number; host?: string; certPath?: string; keyPath?: string; modulePath?: string };
  /** SRT ingest (srt-ingest.ts): one UDP listener for every SRT publisher; off when absent. */
  srt?: { port: number; host?: string };
  /** WHIP ingest (whip/whip-server.ts): WebRTC publishers (OBS 30+) over HTTP on this port; off when absent. */
  whip?: { port: number; host?: string; icePortRange?: [number, number] };
  /** The host name publishers use in the ingest URLs this origin reports (default: the RTMP host, or 127.0.0.1). */
  publicHost?: string;
}

export interface RunningOrigin {
  originId: string;
  rtmpUrl: string;
  /** rtmps://host:port/live when RTMPS is on. */
  rtmpsUrl: string | null;
  /** srt://host:port when SRT is on (publishers add ?streamid=<key>). */
  srtUrl: string | null;
  /** http://host:port/whip/endpoint when WHIP is on (publishers send the key as a Bearer token). */
  whipUrl: string | null;
  agentUrl: string;
  runtimeDir: string;
  agent: Agent;
  stop: () => Promise<void>;
}

export const defaultTimings: PublicationTimings = {
  playlistPollMs: 200,
  statusPollMs: 3000,
  thumbnailIntervalS: 5,
  drainTimeoutMs: 30_000,
  healthSampleMs: HEALTH.sampleMs,
};

/**
 * Starts one origin: the agent's callback server, then NGINX-RTMP with a config rendered for it.
 * Several can run side by side on one machine with different ports and runtime dirs.
 */
export async function startOrigin(opts: OriginOptions): Promise<RunningOrigin> {
  const log = opts.log ?? createLogger(`origin ${opts.originId}`);
  const runtimeDir = path.resolve(opts.runtimeDir);
  const rtmpHost = opts.rtmpHost ?? '127.0.0.1';
  // The work dir is kept: segments a previous run could not upload are resumed below.
  for (const dir of ['tmp', 'work', 'conf']) await mkdir(path.join(runtimeDir, dir), { recursive: true });
  await rm(controlSocketPath(runtimeDir), { force: true });

  const agent = new Agent({
    workerUrl: opts.workerUrl,
    originId: opts.originId,
    secret: opts.secret,
    host: '127.0.0.1',
    port: opts.httpPort,
    rtmpPort: opts.rtmpPort,
    controlSocket: controlSocketPath(runtimeDir),
    workDir: path.join(runtimeDir, 'work'),
    log,
    maxBufferedBytes: opts.maxBufferedBytes ?? 512 * 1024 * 1024,
    uploadBaseDelayMs: opts.uploadBaseDelayMs ?? 250,
    uploadMaxDelayMs: opts.uploadMaxDelayMs ?? 4000,
    timings: { ...defaultTimings, ...opts.timings },
  });
  await agent.resumeUploads();
  const agentPort = await agent.listen();
  const agentUrl = `http://127.0.0.1:${agentPort}`;

  const rtmps = await resolveRtmps(opts.rtmps, rtmpHost, runtimeDir);
  const configPath = path.join(runtimeDir, 'conf', 'nginx.conf');
  await writeFile(
    configPath,
    renderNginxConfig({
      runtimeDir,
      rtmpHost,
      rtmpPort: opts.rtmpPort,
      agentUrl,
      modulePath: opts.modulePath ?? DEFAULT_RTMP_MODULE,
      rtmps,
    }),
  );
  const nginx = new NginxProcess();
  try {
    await nginx.start({ prefix: runtimeDir, configPath, rtmpHost, rtmpPort: opts.rtmpPort, log });
  } catch (err) {
    await nginx.stop();
    await agent.close();
    throw err;
  }
  const loopbackOr = (host: string) => (host === '0.0.0.0' ? '127.0.0.1' : host);
  const rtmpsUrl = rtmps ? `rtmps://${loopbackOr(rtmps.host)}:${rtmps.port}/live` : null;
  let srt: SrtIngest | null = null;
  if (opts.srt) {
    srt = new SrtIngest({
      host: opts.srt.host ?? rtmpHost,
      port: opts.srt.port,
      rtmpBase: `rtmp://127.0.0.1:${opts.rtmpPort}/live`,
      admit: (key, addr, ticket) => agent.admitAhead(key, addr, ticket),
      log,
    });
    try {
      await srt.listen();
    } catch (err) {
      await nginx.stop();
      await agent.close();
      throw err;
    }
  }
  const srtUrl = opts.srt ? `srt://${loopbackOr(opts.srt.host ?? rtmpHost)}:${opts.srt.port}` : null;
  let whip: WhipServer | null = null;
  let whipPort = 0;
  if (opts.whip) {
    whip = new WhipServer({
      host: opts.whip.host ?? rtmpHost,
      port: opts.whip.port,
      rtmpBase: `rtmp://127.0.0.1:${opts.rtmpPort}/live`,
      dir: path.join(runtimeDir, 'tmp'),
      admit: (key, addr, ticket) => agent.admitAhead(key, addr, ticket),
      log,
      icePortRange: opts.whip.icePortRange,
    });
    try {
      whipPort = await whip.listen();
    } catch (err) {
      await srt?.close();
      await nginx.stop();
      await agent.close();
      throw err;
    }
  }
  // One endpoint for every stream (the bearer key says which); the path's last part is free.
  const whipUrl = whip ? `http://${loopbackOr(opts.whip?.host ?? rtmpHost)}:${whipPort}/whip/endpoint` : null;
  const publicHost = opts.publicHost ?? loopbackOr(rtmpHost);
  const ingest: IngestUrls = {
    rtmp: `rtmp://${publicHost}:${opts.rtmpPort}/live`,
    rtmps: rtmps ? `rtmps://${publicHost}:${rtmps.port}/live` : null,
    srt: opts.srt ? `srt://${publicHost}:${opts.srt.port}` : null,
    whip: whip ? `http://${publicHost}:${whipPort}/whip/endpoint` : null,
  };
  log('info', 'origin ready', {
    rtmp: `rtmp://${rtmpHost}:${opts.rtmpPort}/live`,
    rtmps: rtmpsUrl ?? 'off',
    srt: srtUrl ?? 'off',
    whip: whipUrl ?? 'off',
    agent: agentUrl,
    worker: opts.workerUrl,
  });

  const jobs =
    opts.mediaJobs === false
      ? null
      : startMediaJobs({ workerUrl: opts.workerUrl, originId: opts.originId, secret: opts.secret }, runtimeDir, log);
  // Heartbeats register this origin with the fleet (load and ingest URLs, origin-fleet.ts); a
  // missed one is only logged (the next one repeats it).
  const cores = os.cpus().length || 1;
  const beat = () =>
    agent.client
      .heartbeat({
        publications: agent.publications().length,
        ingest,
        cpu: Math.round((os.loadavg()[0]! / cores) * 100) / 100,
        upload_backlog_bytes: agent.queue.pendingBytes,
      })
      .catch((err: unknown) => log('warn', 'heartbeat failed', { error: String(err) }));
  void beat();
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  heartbeat.unref();

  const metricsServer =
    opts.metricsPort !== undefined
      ? await serveMetrics(agent.metrics, opts.metricsHost ?? '127.0.0.1', opts.metricsPort)
      : null;

  let stopping: Promise<void> | null = null;
  return {
    originId: opts.originId,
    rtmpUrl: `rtmp://${loopbackOr(rtmpHost)}:${opts.rtmpPort}/live`,
    rtmpsUrl,
    srtUrl,
    whipUrl,
    agentUrl,
    runtimeDir,
    agent,
    stop: () =>
      (stopping ??= (async () => {
        // NGINX first: publishers are cut, FFmpeg sees the end of input and flushes; then the agent
        // uploads what is left and says publish-done.
        clearInterval(heartbeat);
        await metricsServer?.close();
        // SRT relays first: each closes its RTMP publish, as an RTMP publisher leaving would.
        await srt?.close();
        // WHIP relays likewise (each publisher's FFmpeg closes its RTMP publish).
        await whip?.close();
        await nginx.stop();
        await agent.close();
        await jobs?.stop();
        log('info', 'origin stopped');
      })()),
  };
}

/** The certificate given, or a self-signed one kept in the runtime dir for local runs. */
async function resolveRtmps(
  given: OriginOptions['rtmps'],
  rtmpHost: string,
  runtimeDir: string,
): Promise<RtmpsOptions | undefined> {
  if (!given) return undefined;
  if (Boolean(given.certPath) !== Boolean(given.keyPath))
    throw new Error('RTMPS needs both a certificate and its key (--tls-cert and --tls-key), or neither');
  const pair =
    given.certPath && given.keyPath
      ? { certPath: path.resolve(given.certPath), keyPath: path.resolve(given.keyPath) }
      : await ensureSelfSignedCert(path.join(runtimeDir, 'tls'));
  return { host: given.host ?? rtmpHost, port: given.port, modulePath: given.modulePath, ...pair };
}
