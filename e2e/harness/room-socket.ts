/**
 * A chat user on a real room socket (Node's WebSocket against the running Worker): joins, sends
 * each text, waits for the room to acknowledge every one (so it is in the history), then leaves.
 */
export async function chatAs(workerUrl: string, roomId: string, token: string, texts: string[]): Promise<void> {
  const ws = new WebSocket(`${workerUrl.replace(/^http/, 'ws')}/v1/rooms/${roomId}/ws?token=${token}`);
  const pending = new Set(texts.map((_, i) => `e2e-${Date.now().toString(36)}-${i}`));
  const ids = [...pending];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`chat not acknowledged: ${[...pending].join(',')}`)), 15_000);
      ws.addEventListener('error', () => reject(new Error('room socket failed')));
      ws.addEventListener('close', (e) => reject(new Error(`room socket closed ${e.code} ${e.reason}`)));
      ws.addEventListener('message', (e) => {
        type Frame = { type: string; client_id?: string; frames?: Frame[] };
        const frame = JSON.parse(String(e.data)) as Frame;
        // A tick's frames may come as one `batch`, an ack among them (docs/rooms-protocol.md).
        for (const f of frame.type === 'batch' ? (frame.frames ?? []) : [frame]) {
          if (f.type === 'snapshot')
            for (const [i, text] of texts.entries()) ws.send(JSON.stringify({ type: 'send', client_id: ids[i], text }));
          if (f.type === 'ack' && f.client_id) pending.delete(f.client_id);
          if (f.type === 'error') reject(new Error(`room refused: ${String(e.data)}`));
        }
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    ws.close(1000, 'done');
  }
}
