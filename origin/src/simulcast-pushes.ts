import type { OriginTarget, SimulcastReport, SimulcastStatus } from '@edgelive/shared/simulcast';
import type { Logger } from './log.ts';
import { SimulcastPush } from './simulcast-push.ts';

export interface SimulcastDeps {
  /** The session's enabled targets as the Worker has them now. */
  fetchTargets: () => Promise<OriginTarget[]>;
  /** Sends one status report; failures are logged and the next change is sent anyway. */
  sendReport: (targetId: string, r: SimulcastReport) => Promise<void>;
  sourceUrl: string;
  log: Logger;
  pollMs: number;
  /** Builds a push (tests inject one that does not spawn FFmpeg). */
  makePush?: (
    t: OriginTarget,
    report: (r: SimulcastReport) => void,
  ) => Pick<SimulcastPush, 'start' | 'stop' | 'revision'>;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

type Push = Pick<SimulcastPush, 'start' | 'stop' | 'revision'>;

/**
 * A live stream's pushes to its simulcast targets: polls the Worker's list and reconciles with it
 * (new targets start, missing ones stop, a changed revision restarts that push only), so targets
 * added, changed or disabled while live take effect within a poll. Reports of one target leave one
 * after another, so its events keep their order.
 */
export class SimulcastPushes {
  private readonly deps: SimulcastDeps;
  private readonly pushes = new Map<string, Push>();
  /** Per target: the tail of its report chain. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Per running target: the status it last reported (the metrics' per-target state). */
  private readonly statuses = new Map<string, SimulcastStatus>();
  private timer: NodeJS.Timeout | null = null;
  private reconciling: Promise<void> | null = null;
  private stopped = false;

  constructor(deps: SimulcastDeps) {
    this.deps = deps;
  }

  get targetIds(): string[] {
    return [...this.pushes.keys()];
  }

  /** Each running target's last reported status (`starting` until its push says otherwise). */
  get targetStatuses(): { target: string; status: SimulcastStatus }[] {
    return [...this.pushes.keys()].map((target) => ({ target, status: this.statuses.get(target) ?? 'starting' }));
  }

  start(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.deps.pollMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.reconciling;
    await Promise.all([...this.pushes.values()].map((p) => p.stop()));
    this.pushes.clear();
    await Promise.all(this.chains.values());
  }

  private poll(): Promise<void> {
    if (this.reconciling || this.stopped) return this.reconciling ?? Promise.resolve();
    this.reconciling = this.reconcileOnce().finally(() => (this.reconciling = null));
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    let targets: OriginTarget[];
    try {
      targets = await this.deps.fetchTargets();
    } catch (err) {
      // The Worker away for a moment changes nothing: running pushes keep running.
      this.deps.log('warn', 'simulcast targets not fetched', { reason: String(err) });
      return;
    }
    if (this.stopped) return;
    await this.reconcile(targets);
  }

  /** Brings the running pushes in line with `targets`. */
  async reconcile(targets: OriginTarget[]): Promise<void> {
    const wanted = new Map(targets.map((t) => [t.id, t]));
    for (const [id, push] of this.pushes) {
      const t = wanted.get(id);
      if (t && t.revision === push.revision) continue;
      this.pushes.delete(id);
      // Gone or disabled: idle. Changed: the new push reports `starting` straight away.
      await push.stop(Boolean(t));
      this.statuses.delete(id);
    }
    for (const t of targets) {
      if (this.pushes.has(t.id)) continue;
      const push = this.make(t);
      this.pushes.set(t.id, push);
      push.start();
    }
  }

  private make(t: OriginTarget): Push {
    const report = (r: SimulcastReport) => this.report(t.id, r);
    if (this.deps.makePush) return this.deps.makePush(t, report);
    return new SimulcastPush({
      targetId: t.id,
      revision: t.revision,
      sourceUrl: this.deps.sourceUrl,
      pushUrl: t.push_url,
      rendition: t.rendition ?? null,
      report,
      log: this.deps.log,
      baseDelayMs: this.deps.baseDelayMs,
      maxDelayMs: this.deps.maxDelayMs,
    });
  }

  private report(targetId: string, r: SimulcastReport): void {
    this.statuses.set(targetId, r.status);
    const prev = this.chains.get(targetId) ?? Promise.resolve();
    const next = prev.then(() =>
      this.deps.sendReport(targetId, r).catch((err: unknown) =>
        this.deps.log('warn', 'simulcast status not reported', {
          target: targetId,
          status: r.status,
          reason: String(err),
        }),
      ),
    );
    this.chains.set(targetId, next);
  }
}

/** The pushes of one publication, wired to the Worker (publication.ts starts and stops them). */
export function simulcastForSession(
  client: {
    simulcastTargets: (streamId: string, sessionId: string) => Promise<OriginTarget[]>;
    reportSimulcast: (streamId: string, targetId: string, r: SimulcastReport) => Promise<void>;
  },
  streamId: string,
  sessionId: string,
  sourceUrl: string,
  log: Logger,
  pollMs: number,
): SimulcastPushes {
  return new SimulcastPushes({
    fetchTargets: () => client.simulcastTargets(streamId, sessionId),
    sendReport: (targetId, r) => client.reportSimulcast(streamId, targetId, r),
    sourceUrl,
    log,
    pollMs,
  });
}
