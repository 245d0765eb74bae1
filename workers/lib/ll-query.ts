import type { PlaylistRequest } from '../../durable-objects/stream/contract';
import { badRequest } from './errors';

/**
 * The LL-HLS delivery directives of a media playlist request (RFC 8216bis 6.2.5): `_HLS_msn=<M>`
 * (block until segment M is listed), `_HLS_part=<P>` (until its part P is), `_HLS_skip=YES|v2`
 * (a delta update). Malformed directives, or a part without a segment, are a 400 as the spec says.
 */
const DECIMAL = /^\d{1,10}$/;

export function parseDeliveryDirectives(q: (name: string) => string | undefined): PlaylistRequest {
  const msn = q('_HLS_msn');
  const part = q('_HLS_part');
  const skip = q('_HLS_skip');
  if (msn !== undefined && !DECIMAL.test(msn)) throw badRequest('_HLS_msn must be a non-negative integer.');
  if (part !== undefined && !DECIMAL.test(part)) throw badRequest('_HLS_part must be a non-negative integer.');
  if (part !== undefined && msn === undefined) throw badRequest('_HLS_part needs _HLS_msn.');
  if (skip !== undefined && skip !== 'YES' && skip !== 'v2') throw badRequest('_HLS_skip must be YES or v2.');
  return {
    msn: msn === undefined ? undefined : Number(msn),
    part: part === undefined ? undefined : Number(part),
    skip: skip !== undefined,
  };
}

/** The cache variant of a request: answers to the same directives are the same text. */
export const directivesKey = (r: PlaylistRequest) =>
  r.msn === undefined && !r.skip ? '' : `.${r.msn ?? 'x'}.${r.part ?? 'x'}${r.skip ? '.skip' : ''}`;
