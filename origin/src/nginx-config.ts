import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type RtmpsOptions, renderRtmpsBlock, rtmpsModuleLine } from './rtmps.ts';

export const DEFAULT_RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

export interface NginxConfigOptions {
  runtimeDir: string;
  rtmpHost: string;
  rtmpPort: number;
  /** Base URL of the agent's callback server, e.g. http://127.0.0.1:8851 */
  agentUrl: string;
  modulePath: string;
  /** TLS in front of RTMP (rtmps.ts); off when absent. */
  rtmps?: RtmpsOptions;
}

const templatePath = new URL('../nginx/nginx.conf.template', import.meta.url);

export function controlSocketPath(runtimeDir: string): string {
  return path.join(runtimeDir, 'control.sock');
}

/** Fills the template; throws on a placeholder left unfilled so a typo cannot ship a broken config. */
export function renderNginxConfig(opts: NginxConfigOptions, template = readFileSync(templatePath, 'utf8')): string {
  for (const [name, value] of Object.entries({ runtimeDir: opts.runtimeDir, modulePath: opts.modulePath })) {
    // nginx would split these at whitespace or ';' and read the rest as another directive.
    if (/[\s;{}'"]/.test(value))
      throw new Error(`${name} must not contain whitespace, quotes, braces or ';': ${value}`);
  }
  const values: Record<string, string> = {
    module_path: opts.modulePath,
    runtime_dir: opts.runtimeDir,
    rtmp_listen: `${opts.rtmpHost}:${opts.rtmpPort}`,
    agent_url: opts.agentUrl.replace(/\/+$/, ''),
    control_socket: controlSocketPath(opts.runtimeDir),
    stream_module: rtmpsModuleLine(opts.rtmps),
    stream_block: renderRtmpsBlock(opts.rtmps, opts.rtmpHost, opts.rtmpPort),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`nginx template: unknown placeholder {{${key}}}`);
    return v;
  });
}
