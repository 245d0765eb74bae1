import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { sleep } from './backoff.ts';
import type { Logger } from './log.ts';

/** NGINX in the foreground under our own prefix: no root, no system pid file, stops with us. */
export class NginxProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> | null = null;

  async start(opts: {
    prefix: string;
    configPath: string;
    rtmpHost: string;
    rtmpPort: number;
    log: Logger;
  }): Promise<void> {
    const child = spawn('nginx', ['-p', opts.prefix, '-e', 'stderr', '-c', opts.configPath, '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) opts.log('warn', `nginx: ${line.trim()}`);
    });
    // Ready when the RTMP port accepts connections; fail fast if NGINX exits (bad config, port taken).
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode} (see its log above)`);
      if (await canConnect(opts.rtmpHost === '0.0.0.0' ? '127.0.0.1' : opts.rtmpHost, opts.rtmpPort)) return;
      await sleep(100);
    }
    throw new Error('nginx did not open its RTMP port within 10 s');
  }

  /** SIGTERM is NGINX's fast shutdown: publishers are cut, which FFmpeg sees as the end of input. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const done = await Promise.race([this.exited, sleep(5000).then(() => 'timeout' as const)]);
    if (done === 'timeout') child.kill('SIGKILL');
    await this.exited;
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
