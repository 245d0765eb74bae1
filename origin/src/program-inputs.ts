import type { ProgramState } from '@edgelive/shared/stream-inputs';
import type { Logger } from './log.ts';
import type { WorkerClient } from './worker-client.ts';

/** What the program feeds: the stream's one ladder (publication.ts), cut from input to input. */
export interface ProgramHost {
  readonly streamId: string;
  readonly sessionId: string;
  /** The local NGINX name the ladder reads now; null while no input feeds it. */
  readonly sourceName: string | null;
  switchSource(localName: string): Promise<void>;
  pauseSource(): Promise<void>;
  /** Another input connected: its ladder starts now (warm), so a cut to it is immediate. */
  warm(localName: string): Promise<void>;
  /** An input left while others stay: its ladder stops. */
  cool(localName: string): Promise<void>;
}

export interface ProgramInputsDeps {
  client: Pick<WorkerClient, 'program' | 'inputDisconnected' | 'failover'>;
  log: Logger;
  pollMs: number;
}

interface Connected {
  inputId: string;
  clientId: string;
  connectedAt: number;
}

/** NGINX knows each input by its id (the agent renames it on publish), never by its key. */
export const localNameOf = (inputId: string) => inputId;

/**
 * The inputs (cameras) of one live stream on this origin and which one is the program. While two
 * or more are connected it polls the Worker's program and cuts when it changes; when the on-air
 * input drops it pauses the ladder and, with `auto_failover`, cuts to the input connected longest
 * after `failover_after_s`, telling the Worker. An on-air input that comes back is cut back to.
 */
export class ProgramInputs {
  private readonly deps: ProgramInputsDeps;
  private readonly host: ProgramHost;
  private readonly inputs = new Map<string, Connected>();
  private state: ProgramState;
  private timer: NodeJS.Timeout | null = null;
  private failoverTimer: NodeJS.Timeout | null = null;
  private polling = false;
  /** One cut at a time, in the order they were decided. */
  private cuts: Promise<void> = Promise.resolve();

  constructor(deps: ProgramInputsDeps, host: ProgramHost, programInputId: string) {
    this.deps = deps;
    this.host = host;
    this.state = { program_input_id: programInputId, auto_failover: false, failover_after_s: 3, input_ids: [] };
  }

  get size(): number {
    return this.inputs.size;
  }

  get programInputId(): string {
    return this.state.program_input_id;
  }

  localNames(): string[] {
    return [...this.inputs.keys()].map(localNameOf);
  }

  /** The NGINX stream name of a connected publisher, by its RTMP client id. */
  localNameOfClient(clientId: string): string | null {
    const input = [...this.inputs.values()].find((i) => i.clientId === clientId);
    return input ? localNameOf(input.inputId) : null;
  }

  hasClient(clientId: string): boolean {
    return [...this.inputs.values()].some((i) => i.clientId === clientId);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.poll(), this.deps.pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.failoverTimer) clearTimeout(this.failoverTimer);
    this.timer = null;
    await this.cuts;
  }

  /** An input connected (the first one, or another joining the live session). */
  add(inputId: string, clientId: string, programInputId?: string): void {
    if (programInputId) this.state = { ...this.state, program_input_id: programInputId };
    this.inputs.set(inputId, { inputId, clientId, connectedAt: Date.now() });
    // Every connected input's ladder runs (its thumbnails are its preview), so that a cut to it is immediate.
    void this.host.warm(localNameOf(inputId));
    // The on-air input is back (or was waited for): it feeds the program again.
    if (inputId === this.state.program_input_id && this.host.sourceName !== localNameOf(inputId)) this.cutTo(inputId);
  }

  /** An input's publisher left. True when none is left: the publication ends. */
  async remove(clientId: string): Promise<boolean> {
    const gone = [...this.inputs.values()].find((i) => i.clientId === clientId);
    if (!gone) return this.inputs.size === 0;
    this.inputs.delete(gone.inputId);
    if (this.inputs.size === 0) return true;
    const wasSource = this.host.sourceName === localNameOf(gone.inputId);
    // In the cut queue: a cut in flight finishes before the ladder goes.
    this.cuts = this.cuts.then(() => this.host.cool(localNameOf(gone.inputId)));
    try {
      this.state = await this.deps.client.inputDisconnected(this.host.streamId, this.host.sessionId, gone.inputId);
    } catch (err) {
      this.deps.log('warn', 'input drop not reported', { input: gone.inputId, reason: String(err) });
    }
    if (wasSource) {
      this.deps.log('info', 'on-air input dropped', { input: gone.inputId, auto_failover: this.state.auto_failover });
      this.cuts = this.cuts.then(() => this.host.pauseSource());
      if (this.state.auto_failover) this.armFailover();
    }
    return false;
  }

  private armFailover(): void {
    if (this.failoverTimer) clearTimeout(this.failoverTimer);
    this.failoverTimer = setTimeout(() => void this.failover(), this.state.failover_after_s * 1000);
  }

  private async failover(): Promise<void> {
    this.failoverTimer = null;
    if (this.inputs.has(this.state.program_input_id)) return; // it came back meanwhile
    const next = [...this.inputs.values()].sort((a, b) => a.connectedAt - b.connectedAt)[0];
    if (!next) return;
    try {
      this.state = await this.deps.client.failover(this.host.streamId, this.host.sessionId, next.inputId);
    } catch (err) {
      this.deps.log('warn', 'failover refused; retrying', { input: next.inputId, reason: String(err) });
      this.armFailover();
      return;
    }
    this.deps.log('info', 'failed over', { input: next.inputId });
    this.cutTo(next.inputId);
  }

  /** While several inputs are connected, or the program waits for one, the Worker's program decides. */
  private async poll(): Promise<void> {
    if (this.polling || (this.inputs.size < 2 && this.host.sourceName !== null)) return;
    this.polling = true;
    try {
      this.state = await this.deps.client.program(this.host.streamId, this.host.sessionId);
      const want = this.state.program_input_id;
      if (this.inputs.has(want) && this.host.sourceName !== localNameOf(want)) this.cutTo(want);
    } catch (err) {
      this.deps.log('debug', 'program poll failed', { reason: String(err) });
    } finally {
      this.polling = false;
    }
  }

  private cutTo(inputId: string): void {
    if (this.failoverTimer) clearTimeout(this.failoverTimer);
    this.failoverTimer = null;
    this.deps.log('info', 'cutting to input', { input: inputId });
    this.cuts = this.cuts.then(async () => {
      if (this.inputs.has(inputId) && this.host.sourceName !== localNameOf(inputId))
        await this.host.switchSource(localNameOf(inputId));
    });
  }
}
