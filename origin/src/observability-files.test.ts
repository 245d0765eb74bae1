import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OriginMetrics } from './metrics.ts';

/**
 * The optional Prometheus + Grafana profile of origin/compose.yaml is not run here (no Docker); its
 * files are checked instead: they parse, they point at each other (service names, ports, the
 * datasource uid, mounted paths), and every metric the dashboard queries is one the origin exports.
 */
const ORIGIN = path.resolve(import.meta.dirname, '..');
const read = (p: string) => readFileSync(path.join(ORIGIN, p), 'utf8');

interface Service {
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  image?: string;
}

describe('observability files', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const prom = parse(read('observability/prometheus.yml')) as {
    scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[];
  };
  const datasources = parse(read('observability/grafana/provisioning/datasources/prometheus.yml')) as {
    datasources: { uid: string; type: string; url: string }[];
  };
  const dashboard = JSON.parse(read('observability/grafana/dashboards/edgelive-origin.json')) as {
    uid: string;
    panels: { id: number; datasource: { uid: string }; targets: { expr: string; datasource: { uid: string } }[] }[];
  };

  it('keeps Prometheus and Grafana behind a profile, with their mounted files present', () => {
    const { origin, prometheus, grafana } = compose.services;
    expect(origin?.profiles).toBeUndefined();
    expect(prometheus?.profiles).toEqual(['observability']);
    expect(grafana?.profiles).toEqual(['observability']);
    for (const svc of [prometheus!, grafana!]) {
      expect(svc.image).toMatch(/^[a-z/]+:v?\d+\.\d+\.\d+$/);
      for (const v of svc.volumes ?? []) {
        const [src] = v.split(':');
        if (src!.startsWith('.')) expect(existsSync(path.join(ORIGIN, src!)), v).toBe(true);
        else expect(compose.volumes).toHaveProperty(src!);
      }
    }
  });

  it('scrapes the port the origin serves /metrics on, and Grafana reads that Prometheus', () => {
    const port = compose.services.origin?.environment?.EDGELIVE_METRICS_PORT;
    const job = prom.scrape_configs.find((j) => j.job_name === 'edgelive-origin')!;
    expect(job.metrics_path).toBe('/metrics');
    expect(job.static_configs[0]?.targets).toEqual([`origin:${port}`]);
    expect(datasources.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
  });

  it('queries only metrics the origin exports, through the provisioned datasource', async () => {
    const m = new OriginMetrics('orig_lint', {
      publications: () => 0,
      queuedSegments: () => 0,
      queuedBytes: () => 0,
      droppedSegments: () => 0,
      uploadAuthFailures: () => 0,
    });
    const exported = new Set<string>();
    for (const metric of await m.registry.getMetricsAsJSON()) {
      exported.add(metric.name);
      if (String(metric.type) === 'histogram')
        for (const s of ['_bucket', '_sum', '_count']) exported.add(metric.name + s);
    }
    const uid = datasources.datasources[0]!.uid;
    const ids = new Set<number>();
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const p of dashboard.panels) {
      expect(ids.has(p.id), `panel id ${p.id} twice`).toBe(false);
      ids.add(p.id);
      expect(p.datasource.uid).toBe(uid);
      for (const t of p.targets) {
        expect(t.datasource.uid).toBe(uid);
        const names = t.expr.match(/\b(edgelive_[a-z_]+|process_[a-z_]+|nodejs_[a-z_]+)\b/g) ?? [];
        expect(names.length, t.expr).toBeGreaterThan(0);
        for (const n of names) expect(exported.has(n), `${n} in "${t.expr}"`).toBe(true);
        // Balanced brackets: the cheapest check that catches a broken PromQL edit.
        for (const [o, c] of ['()', '[]', '{}']) expect(t.expr.split(o!).length, t.expr).toBe(t.expr.split(c!).length);
      }
    }
  });
});
