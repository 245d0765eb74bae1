import type { HeartbeatBody } from '@edgelive/shared/origin-fleet';
import {
  errorBodySchema,
  type InputReport,
  originAuthorization,
  type PartQuery,
  type PublishAnswer,
  type PublishBody,
  publishAnswerSchema,
  type RenditionReport,
  type SegmentQuery,
  type StreamStatus,
  streamStatusSchema,
} from '@edgelive/shared/origin-protocol';
import { type OriginTarget, originTargetListSchema, type SimulcastReport } from '@edgelive/shared/simulcast';
import type { HealthSample } from '@edgelive/shared/stream-health';
import { type ProgramState, programStateSchema } from '@edgelive/shared/stream-inputs';

export interface OriginCredentials {
  workerUrl: string;
  originId: string;
  secret: string;
}

/** A non-2xx answer from the Worker; `code` is the error envelope's code when there was one. */
export class WorkerHttpError extends Error {
  readonly status: number;
  readonly code: string | null;
  constructor(status: number, code: string | null, path: string) {
    // The path never holds a stream key (keys only travel in bodies), so it is safe in messages.
    super(`worker answered ${status}${code ? ` ${code}` : ''} for ${path}`);
    this.status = status;
    this.code = code;
  }
  /** 5xx, 408 and 429 are worth retrying; other 4xx will answer the same way next time. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

export interface SegmentUpload {
  streamId: string;
  sessionId: string;
  rendition: string;
  sequence: number;
  durationS: number;
  programDateTime: string | null;
  discontinuity: boolean;
  body: Uint8Array;
}

/** Typed calls to the Worker's `/internal/origin/*` endpoints, each signed with the origin secret. */
export class WorkerClient {
  private readonly creds: OriginCredentials;
  private readonly timeoutMs: number;

  constructor(creds: OriginCredentials, timeoutMs = 15_000) {
    this.creds = creds;
    this.timeoutMs = timeoutMs;
  }

  async publish(
    streamKey: string,
    clientIp: string | null,
  ): Promise<{ ok: true; answer: PublishAnswer } | { ok: false; status: number; code: string | null }> {
    const body: PublishBody = clientIp ? { stream_key: streamKey, client_ip: clientIp } : { stream_key: streamKey };
    const res = await this.send('POST', '/internal/origin/publish', JSON.stringify(body), 'application/json');
    if (res.status === 200) return { ok: true, answer: publishAnswerSchema.parse(await res.json()) };
    return { ok: false, status: res.status, code: await errorCode(res) };
  }

  async reportInput(streamId: string, sessionId: string, input: InputReport): Promise<void> {
    await this.expectOk('POST', `${sessionPath(streamId, sessionId)}/input`, JSON.stringify(input), 'application/json');
  }

  /** Returns 201 (stored) or 200 (already there): both mean the segment is safe. */
  async putSegment(u: SegmentUpload): Promise<number> {
    const query: SegmentQuery = { duration: u.durationS.toFixed(3) };
    if (u.programDateTime) query.pdt = u.programDateTime;
    if (u.discontinuity) query.discontinuity = '1';
    const q = new URLSearchParams({ ...query });
    const path = `${sessionPath(u.streamId, u.sessionId)}/renditions/${encodeURIComponent(u.rendition)}/segments/${u.sequence}?${q.toString()}`;
    const res = await this.expectOk('PUT', path, u.body, 'video/mp2t');
    return res.status;
  }

  /** An LL-HLS part of the segment being written (ll-parts.ts). */
  async putPart(u: {
    streamId: string;
    sessionId: string;
    rendition: string;
    sequence: number;
    part: number;
    durationS: number;
    independent: boolean;
    discontinuity?: boolean;
    body: Uint8Array;
  }): Promise<void> {
    const query: PartQuery = { duration: u.durationS.toFixed(3), independent: u.independent ? '1' : '0' };
    if (u.discontinuity) query.discontinuity = '1';
    const q = new URLSearchParams({ ...query });
    const path = `${sessionPath(u.streamId, u.sessionId)}/renditions/${encodeURIComponent(u.rendition)}/segments/${u.sequence}/parts/${u.part}?${q.toString()}`;
    await this.expectOk('PUT', path, u.body, 'video/mp2t');
  }

  async putRendition(streamId: string, sessionId: string, rendition: string, report: RenditionReport): Promise<void> {
    const path = `${sessionPath(streamId, sessionId)}/renditions/${encodeURIComponent(rendition)}`;
    await this.expectOk('PUT', path, JSON.stringify(report), 'application/json');
  }

  async postThumbnail(streamId: string, sessionId: string, jpeg: Uint8Array): Promise<void> {
    await this.expectOk('POST', `${sessionPath(streamId, sessionId)}/thumbnail`, jpeg, 'image/jpeg');
  }

  /** A live session's health sample (issue 16); best effort, the next one follows in seconds. */
  async postHealth(streamId: string, sessionId: string, sample: HealthSample): Promise<void> {
    await this.expectOk(
      'POST',
      `${sessionPath(streamId, sessionId)}/health`,
      JSON.stringify(sample),
      'application/json',
    );
  }

  async publishDone(streamId: string, sessionId: string): Promise<void> {
    await this.expectOk('POST', `${sessionPath(streamId, sessionId)}/publish-done`, '{}', 'application/json');
  }

  /** Tells the control plane this origin is alive, how loaded, and where publishers reach it (origin-fleet.ts). */
  async heartbeat(beat: HeartbeatBody): Promise<void> {
    await this.expectOk('POST', '/internal/origin/heartbeat', JSON.stringify(beat), 'application/json');
  }

  async status(streamId: string): Promise<StreamStatus> {
    const res = await this.expectOk('GET', `/internal/origin/streams/${encodeURIComponent(streamId)}/status`);
    return streamStatusSchema.parse(await res.json());
  }

  /** The session's enabled simulcast targets, keys included (simulcast-pushes.ts). */
  async simulcastTargets(streamId: string, sessionId: string): Promise<OriginTarget[]> {
    const res = await this.expectOk('GET', `${sessionPath(streamId, sessionId)}/simulcast-targets`);
    return originTargetListSchema.parse(await res.json()).targets;
  }

  async reportSimulcast(streamId: string, targetId: string, report: SimulcastReport): Promise<void> {
    const path = `/internal/origin/streams/${encodeURIComponent(streamId)}/simulcast-targets/${encodeURIComponent(targetId)}/status`;
    await this.expectOk('POST', path, JSON.stringify(report), 'application/json');
  }

  // ---- several inputs per stream (program-inputs.ts) ----

  async program(streamId: string, sessionId: string): Promise<ProgramState> {
    const res = await this.expectOk('GET', `${sessionPath(streamId, sessionId)}/program`);
    return programStateSchema.parse(await res.json());
  }

  async inputDisconnected(streamId: string, sessionId: string, inputId: string): Promise<ProgramState> {
    const path = `${sessionPath(streamId, sessionId)}/inputs/${encodeURIComponent(inputId)}/disconnected`;
    return this.programAnswer(path, '{}');
  }

  async failover(streamId: string, sessionId: string, inputId: string): Promise<ProgramState> {
    const body = JSON.stringify({ input_id: inputId, reason: 'failover' });
    return this.programAnswer(`${sessionPath(streamId, sessionId)}/switch`, body);
  }

  /** A POST answered with the program state (expectOk would discard a POST's body). */
  private async programAnswer(path: string, body: string): Promise<ProgramState> {
    const res = await this.send('POST', path, body, 'application/json');
    if (res.status !== 200) throw new WorkerHttpError(res.status, await errorCode(res), path);
    return programStateSchema.parse(await res.json());
  }

  async postInputThumbnail(streamId: string, sessionId: string, inputId: string, jpeg: Uint8Array): Promise<void> {
    const path = `${sessionPath(streamId, sessionId)}/inputs/${encodeURIComponent(inputId)}/thumbnail`;
    await this.expectOk('POST', path, jpeg, 'image/jpeg');
  }

  /** One finished segment of an input's preview rung (the console's player per camera), in order per input. */
  async putInputPreview(
    streamId: string,
    sessionId: string,
    inputId: string,
    localSequence: number,
    durationS: number,
    ts: Uint8Array,
  ): Promise<void> {
    const q = `local=${localSequence}&duration=${durationS.toFixed(3)}`;
    const path = `${sessionPath(streamId, sessionId)}/inputs/${encodeURIComponent(inputId)}/preview?${q}`;
    await this.expectOk('PUT', path, ts, 'video/mp2t');
  }

  private async expectOk(
    method: string,
    path: string,
    body?: string | Uint8Array,
    contentType?: string,
  ): Promise<Response> {
    const res = await this.send(method, path, body, contentType);
    if (res.status >= 200 && res.status < 300) {
      // Bodies we do not read would otherwise pin the keep-alive socket.
      if (method !== 'GET') await res.body?.cancel();
      return res;
    }
    throw new WorkerHttpError(res.status, await errorCode(res), path.split('?')[0] ?? path);
  }

  private async send(
    method: string,
    path: string,
    body?: string | Uint8Array,
    contentType?: string,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: await originAuthorization(this.creds.originId, this.creds.secret, method, path),
    };
    if (contentType) headers['content-type'] = contentType;
    return fetch(new URL(path, this.creds.workerUrl), {
      method,
      headers,
      // A fresh ArrayBuffer-backed copy: fetch's BodyInit does not take a view over a shared Buffer pool.
      body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }
}

function sessionPath(streamId: string, sessionId: string): string {
  return `/internal/origin/streams/${encodeURIComponent(streamId)}/sessions/${encodeURIComponent(sessionId)}`;
}

async function errorCode(res: Response): Promise<string | null> {
  try {
    const parsed = errorBodySchema.safeParse(await res.json());
    return parsed.success ? parsed.data.error.code : null;
  } catch {
    return null;
  }
}
