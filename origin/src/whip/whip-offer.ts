/**
 * What a WHIP request (RFC 9725) must hold before anything is started for it: the stream key as a
 * bearer token, an SDP offer (`application/sdp`) that sends H.264 video. Pure, so the refusals are
 * unit-tested without a peer connection (whip-offer.test.ts).
 */

/** The stream key from `Authorization: Bearer <key>` (RFC 6750's scheme, any case), or null. */
export function bearerKey(header: string | undefined): string | null {
  const m = /^bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? '');
  const key = m?.[1] ?? '';
  // Keys are short printable tokens; anything longer or odder is refused before the Worker is asked.
  return key.length > 0 && key.length <= 200 && /^[\x21-\x7e]+$/.test(key) ? key : null;
}

/** `application/sdp`, parameters allowed (RFC 9725 §4.2: the offer's media type). */
export function isSdpContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]!.trim().toLowerCase() === 'application/sdp';
}

export type OfferProblem = 'not_sdp' | 'no_video' | 'no_h264' | 'not_sending';

/**
 * Why this offer cannot feed the ladder, or null when it can. The origin's pipeline copies H.264
 * into FLV for NGINX-RTMP, so an offer whose video has no H.264 (OBS offers AV1 or HEVC only when
 * told to) is refused here with a clear 406 instead of an answer that rejects the video section
 * and a session that never goes live. Audio is optional (Opus when present, transcoded to AAC).
 */
export function offerProblem(sdp: string): OfferProblem | null {
  if (!sdp.startsWith('v=0')) return 'not_sdp';
  const sections = mediaSections(sdp);
  const video = sections.filter((s) => s.kind === 'video' && s.port !== 0);
  if (video.length === 0) return 'no_video';
  if (!video.some((s) => s.codecs.includes('h264'))) return 'no_h264';
  if (!video.some((s) => s.direction === 'sendonly' || s.direction === 'sendrecv')) return 'not_sending';
  return null;
}

export const offerProblemMessage: Record<OfferProblem, string> = {
  not_sdp: 'the body is not an SDP offer',
  no_video: 'the offer has no video section',
  no_h264: 'the offer sends no H.264 video (set the encoder to H.264)',
  not_sending: 'the offer does not send video (WHIP publishers send)',
};

interface MediaSection {
  kind: string;
  port: number;
  /** Lower-case codec names from the section's rtpmap lines. */
  codecs: string[];
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

function mediaSections(sdp: string): MediaSection[] {
  const sections: MediaSection[] = [];
  let sessionDirection: MediaSection['direction'] = 'sendrecv';
  let current: MediaSection | null = null;
  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^m=(\w+) (\d+)/.exec(line);
    if (m) {
      current = { kind: m[1]!, port: Number(m[2]), codecs: [], direction: sessionDirection };
      sections.push(current);
      continue;
    }
    const rtpmap = /^a=rtpmap:\d+ ([^/]+)\//.exec(line);
    if (rtpmap && current) current.codecs.push(rtpmap[1]!.toLowerCase());
    const dir = /^a=(sendrecv|sendonly|recvonly|inactive)$/.exec(line);
    if (dir) {
      if (current) current.direction = dir[1] as MediaSection['direction'];
      else sessionDirection = dir[1] as MediaSection['direction'];
    }
  }
  return sections;
}

/**
 * The `a=fmtp` parameters of each H.264 payload type in the offer's video, packetization mode 1
 * first (what WebRTC encoders send; mode 0 cannot carry a frame larger than one packet), so the
 * answer can accept exactly what the publisher offered. At least one entry: a bare mode-1 H.264.
 */
export function offeredH264Parameters(sdp: string): string[] {
  const h264 = new Set<string>();
  for (const m of sdp.matchAll(/^a=rtpmap:(\d+) h264\/90000/gim)) h264.add(m[1]!);
  const params: string[] = [];
  for (const m of sdp.matchAll(/^a=fmtp:(\d+) (.+)$/gm))
    if (h264.has(m[1]!) && !params.includes(m[2]!.trim())) params.push(m[2]!.trim());
  const mode1 = params.filter((p) => /packetization-mode=1/.test(p));
  const chosen = mode1.length > 0 ? mode1 : params;
  return chosen.length > 0 ? chosen : ['packetization-mode=1;level-asymmetry-allowed=1'];
}
