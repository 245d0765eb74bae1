import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { beacon, postBeacon } from '../test/beacons';
import { call } from '../test/helpers';
import { createStream } from '../test/origin';
import { chatTenant, join } from '../test/rooms';

/**
 * The live count on a stream's room socket includes people who only watch the video: the stream's
 * analytics object pushes its viewers (players with a recent beacon) to the room, which says in
 * the `counts` frame whether the number came from sockets or beacons.
 */
describe('room counts with video-only viewers', () => {
  it('pushes beacon viewers into the counts frame, marked as such, and back to sockets when they leave', async () => {
    const t = await chatTenant();
    const s = await createStream(t.key.token, { playback_policies: ['public'] });
    const stream = await call(`/v1/streams/${s.id}`, { auth: t.key.token });
    const roomId = stream.json.room_id as string;
    expect(roomId).toBeTruthy();
    const { s: sock, snapshot } = await join(roomId, { token: await t.tokenFor('alice') });
    expect(snapshot.counts).toMatchObject({ viewers: 1, viewers_from: 'sockets', connections: 1 });

    // Three players watch without the chat.
    const pb = s.playback_ids[0]!.id;
    for (let i = 0; i < 3; i++) expect((await postBeacon(beacon(pb))).status).toBe(202);
    const analytics = env.ANALYTICS.getByName(s.id);
    expect(await runDurableObjectAlarm(analytics)).toBe(true);
    const counts = await sock.next('counts');
    expect(counts.counts).toEqual({
      viewers: 3,
      viewers_from: 'beacons',
      connections: 1,
      video_viewers: 3,
      members: 1,
    });
    // The analytics object keeps its round going while anyone watches, so the room hears them leave.
    expect(await analytics.concurrent()).toEqual({ viewers: 3 });
    expect(await analytics.concurrent(Date.now() + 31_000)).toEqual({ viewers: 0 });
    const room = env.ROOM.getByName(roomId);
    await room.setVideoViewers(0);
    const after = await sock.next('counts');
    expect(after.counts).toMatchObject({ viewers: 1, viewers_from: 'sockets', video_viewers: 0 });
  });
});
