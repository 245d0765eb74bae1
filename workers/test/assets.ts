import { expect } from 'vitest';
import { call } from './helpers';
import { createStream, originCall, publish, sessionPath, uploadSegment } from './origin';

/** A ready asset: a recorded stream published, one segment, publish done (reconnect window 0). */
export async function recordedAsset(keyToken: string) {
  const s = await createStream(keyToken, { playback_policies: ['public'], recording: true, reconnect_window: 0 });
  const pub = await publish(s.stream_key);
  const sessionId = pub.json.session_id as string;
  await uploadSegment(s.id, sessionId, '720p', 0);
  await originCall(`${sessionPath(s.id, sessionId)}/publish-done`, { body: {} });
  const list = await call(`/v1/assets?stream_id=${s.id}`, { auth: keyToken });
  expect(list.json.data[0]?.status, list.text).toBe('ready');
  return { stream: s, sessionId, asset: list.json.data[0] as { id: string; playback_ids: { id: string }[] } };
}
