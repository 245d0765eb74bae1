import { describe, expect, it } from 'vitest';
import { renderNginxConfig } from './nginx-config.ts';

const opts = {
  runtimeDir: '/tmp/edgelive-origin-a',
  rtmpHost: '0.0.0.0',
  rtmpPort: 19350,
  agentUrl: 'http://127.0.0.1:8850/',
  modulePath: '/usr/lib/nginx/modules/ngx_rtmp_module.so',
};

describe('renderNginxConfig', () => {
  const conf = renderNginxConfig(opts);

  it('loads the RTMP module and keeps every path under the runtime dir', () => {
    expect(conf).toContain('load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;');
    expect(conf).toContain('pid /tmp/edgelive-origin-a/nginx.pid;');
    expect(conf).toContain('client_body_temp_path /tmp/edgelive-origin-a/tmp/client_body;');
    expect(conf).toContain('listen unix:/tmp/edgelive-origin-a/control.sock;');
    const directives = conf.replace(/#.*$/gm, '');
    expect(directives).not.toMatch(/\/var\/(lib|log|run)/);
  });

  it('listens where asked and calls the agent back', () => {
    expect(conf).toContain('listen 0.0.0.0:19350;');
    expect(conf).toContain('on_publish http://127.0.0.1:8850/rtmp/on-publish;');
    expect(conf).toContain('on_publish_done http://127.0.0.1:8850/rtmp/on-publish-done;');
    expect(conf).toMatch(/hls off;/);
    expect(conf).toMatch(/drop_idle_publisher \d+s;/);
    expect(conf).toContain('deny play all;');
  });

  it('leaves no placeholder and refuses values that would break the syntax', () => {
    expect(conf).not.toMatch(/\{\{|\}\}/);
    expect(() => renderNginxConfig({ ...opts, runtimeDir: '/tmp/a b' })).toThrow(/whitespace/);
    expect(() => renderNginxConfig(opts, 'listen {{nope}};')).toThrow(/unknown placeholder/);
  });
});

describe('renderNginxConfig with RTMPS', () => {
  const rtmps = { host: '0.0.0.0', port: 19443, certPath: '/tmp/c/cert.pem', keyPath: '/tmp/c/key.pem' };
  const conf = renderNginxConfig({ ...opts, rtmps });

  it('loads the stream module and terminates TLS on its own port in front of the RTMP listener', () => {
    expect(conf).toContain('load_module /usr/lib/nginx/modules/ngx_stream_module.so;');
    expect(conf).toContain('listen 0.0.0.0:19443 ssl;');
    expect(conf).toContain('ssl_certificate /tmp/c/cert.pem;');
    expect(conf).toContain('ssl_certificate_key /tmp/c/key.pem;');
    // 0.0.0.0 is where RTMP listens; the proxy reaches it on loopback.
    expect(conf).toContain('proxy_pass 127.0.0.1:19350;');
    expect(conf).not.toMatch(/\{\{|\}\}/);
  });

  it('has no stream block when RTMPS is off, and refuses a certificate path that would break the syntax', () => {
    expect(renderNginxConfig(opts)).not.toMatch(/stream_module|stream \{/);
    expect(() => renderNginxConfig({ ...opts, rtmps: { ...rtmps, certPath: '/tmp/a;b' } })).toThrow(/certPath/);
  });
});
