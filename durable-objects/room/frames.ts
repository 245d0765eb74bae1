import { ClientFrame, LIMITS } from '@edgelive/shared';
import { type ErrorFrame, errorFrame } from './send-policy';

/** A socket's text as one client frame, or the `invalid` error that answers it. */
export function parseFrame(data: string | ArrayBuffer): { frame: ClientFrame } | { error: ErrorFrame } {
  if (typeof data !== 'string' || data.length > LIMITS.maxFrameBytes)
    return { error: errorFrame('invalid', `Frames are JSON text of at most ${LIMITS.maxFrameBytes} bytes.`) };
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return { error: errorFrame('invalid', 'The frame is not JSON.') };
  }
  const parsed = ClientFrame.safeParse(raw);
  if (parsed.success) return { frame: parsed.data };
  const ref =
    typeof raw === 'object' && raw && 'client_id' in raw && typeof raw.client_id === 'string'
      ? raw.client_id.slice(0, 64)
      : undefined;
  const issue = parsed.error.issues[0];
  return {
    error: errorFrame(
      'invalid',
      `Invalid frame${issue ? ` at ${issue.path.join('.') || 'type'}: ${issue.message}` : ''}.`,
      { ref },
    ),
  };
}
