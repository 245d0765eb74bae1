import { describe, expect, it } from 'vitest';
import { call, tenant } from '../test/helpers';
import { createStream, originCall, publish, sessionPath, uploadSegment } from '../test/origin';

/**
 * A recording's chat replay: `.../recordings/{session}/chat.json` holds the room's messages sent
 * during that session only (not before it, not after it, not deleted ones), oldest first, each with
 * its offset from the session's start; the recording page's script is pointed at it.
 */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('recording chat replay', () => {
  it('replays the messages of the session, with their offsets, and nothing else', async () => {
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
    const say = (text: string) => call(`/v1/rooms/${room}/messages`, { auth: t.key.token, body: { text } });

    await say('before the show');
    await pause(20);
    const pub = await publish(s.stream_key);
    const sid = pub.json.session_id as string;
    await pause(20);
    await say('doors open');
    await pause(30);
    const gone = await say('this one is deleted');
    await say('encore!');
    await call(`/v1/rooms/${room}/messages/${gone.json.id}`, { method: 'DELETE', auth: t.key.token });
    for (const seq of [0, 1]) await uploadSegment(s.id, sid, '720p', seq, { pdt: new Date(Date.now() + seq * 2000) });
    await originCall(`${sessionPath(s.id, sid)}/publish-done`, { body: {} });
    await pause(20);
    await say('after the show');

    const replay = await call(`/watch/${t.app.id}/gig/recordings/${sid}/chat.json`);
    expect(replay.status, replay.text).toBe(200);
    expect(replay.json.messages.map((m: { text: string }) => m.text)).toEqual(['doors open', 'encore!']);
    const [first, second] = replay.json.messages as { at_s: number }[];
    expect(first!.at_s).toBeGreaterThan(0);
    expect(second!.at_s).toBeGreaterThan(first!.at_s);
    expect(second!.at_s).toBeLessThan(10);

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
