/**
 * Sending to hibernatable WebSockets, shared by the room object and its edge shards (both fan
 * the same frames out to their own sockets).
 */

/** Sends on a socket that may have closed under us; its close handler does the bookkeeping. */
export function safeSend(ws: WebSocket, s: string) {
  try {
    ws.send(s);
  } catch {
    // closed under us
  }
}

/** Closes a socket that may already be closing. */
export function safeClose(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    // already closing
  }
}

/** A single frame goes as itself; several as one `batch`, spliced from their serialized forms. */
export function frameOf(frames: string[]): string | null {
  if (!frames.length) return null;
  if (frames.length === 1) return frames[0]!;
  return `{"type":"batch","frames":[${frames.join(',')}]}`;
}
