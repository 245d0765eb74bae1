import { describe, expect, it } from 'vitest';
import { call, tenant } from '../test/helpers';
import { createStream, originCall, publish, sessionPath, uploadSegment } from '../test/origin';

/**
 * A recording's chat replay: `.../recordings/{session}/chat.json` holds the room's messages sent
 * during that session only (not before it, not after it, not deleted ones), oldest first, each at
 * the player time of the frame that was live when it was sent: its time minus the program date
 * time of the recording's segment then being published, plus that segment's start. So the ingest
 * start-up delay (the first frame comes after the session starts) and a gap in the middle (a
 * reconnect: wall time the recording does not have) are both taken out.
 */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('recording chat replay', () => {
  it('puts each message of the session at the player time of the frame that was live', async () => {
    const t = await tenant();
    const ch = await call('/v1/channels', { auth: t.key.token, body: { slug: 'gig', display_name: 'Gig' } });
    const s = await createStream(t.key.token, {
      name: 'Live set',
      playback_policies: ['public'],
      reconnect_window: 0,
      recording: true,
      ladder: ['source', '720p'],
    });
    await call(`/v1/channels/${ch.json.id}/streams/${s.id}`, { method: 'PUT', auth: t.key.token });
    const room = (await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json.room_id as string;
    const say = async (text: string) => {
      const r = await call(`/v1/rooms/${room}/messages`, { auth: t.key.token, body: { text } });
      expect(r.status, r.text).toBe(201);
      return { id: r.json.id as string, at: Date.parse(r.json.created_at as string) };
    };

    await say('before the show');
    await pause(20);
    const pub = await publish(s.stream_key);
    const sid = pub.json.session_id as string;
    await pause(20);
    await say('doors open'); // before the first frame reached the origin
    await pause(600);
    const early = await say('first song');
    const gone = await say('this one is deleted');
    await pause(2000);
    const late = await say('after the gap');
    await call(`/v1/rooms/${room}/messages/${gone.id}`, { method: 'DELETE', auth: t.key.token });

    // The first frame was published 0.4 s before "first song"; one-second segments; the third
    // segment comes after a gap in wall time and was first published 0.25 s before "after the gap".
    const pdts = [early.at - 400, early.at + 600, late.at - 250];
    for (const [seq, pdt] of pdts.entries())
      await uploadSegment(s.id, sid, '720p', seq, { duration: 1, pdt: new Date(pdt) });
    await originCall(`${sessionPath(s.id, sid)}/publish-done`, { body: {} });
    await pause(20);
    await say('after the show');

    const replay = await call(`/watch/${t.app.id}/gig/recordings/${sid}/chat.json`);
    expect(replay.status, replay.text).toBe(200);
    const messages = replay.json.messages as { text: string; at_s: number }[];
    expect(messages.map((m) => m.text)).toEqual(['doors open', 'first song', 'after the gap']);
    expect(replay.json.recording_started_at).toBe(new Date(pdts[0]!).toISOString());
    expect(replay.json.duration_s).toBe(3);
    const at = Object.fromEntries(messages.map((m) => [m.text, m.at_s]));
    expect(at['doors open']).toBe(0);
    // Player time = message time - the recording's first frame (not the session's start, earlier by >= 0.6 s).
    expect(at['first song']).toBeCloseTo(0.4, 3);
    // Two segments (2 s) of video, then 0.25 s into the third: the gap's wall time is not counted.
    expect(at['after the gap']).toBeCloseTo(2.25, 3);
    // Counted from the session's start instead, "first song" would be at 0.6 s or later.
    expect((early.at - Date.parse(replay.json.started_at)) / 1000).toBeGreaterThanOrEqual(0.6);

    const page = await call(`/watch/${t.app.id}/gig/recordings/${sid}`);
    const config = JSON.parse(
      /<script id="watch-config" type="application\/json">(.*?)<\/script>/.exec(page.text)![1]!,
    );
    expect(config).toMatchObject({
      mode: 'recording',
      chat: true,
      chatReplayUrl: `/watch/${t.app.id}/gig/recordings/${sid}/chat.json`,
    });
    expect(page.text).toContain('id="messages"');

    expect((await call(`/watch/${t.app.id}/gig/recordings/lsn_AAAAAAAAAAAAAAAAAAAA/chat.json`)).status).toBe(404);
  });
});
