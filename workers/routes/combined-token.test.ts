import { importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { call, expectError } from '../test/helpers';
import { playbackFixture } from '../test/playback';
import { join, openSocket } from '../test/rooms';

/** One token for a stream's video, thumbnails and chat (`aud` an array, `sub` the user, `playback_id` the stream). */
async function token(f: { signing: { id: string; private_key: string } }, claims: Record<string, unknown>) {
  return new SignJWT({ name: 'Viewer', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: f.signing.id })
    .setExpirationTime('10m')
    .sign(await importPKCS8(f.signing.private_key, 'RS256'));
}

describe('combined viewer token', () => {
  it('opens the signed video, the thumbnail and the stream’s room with one token', async () => {
    const f = await playbackFixture();
    const roomId = (await call(`/v1/streams/${f.streamId}`, { auth: f.keyToken })).json.room_id as string;
    expect(roomId).toMatch(/^room_/);
    const t = await token(f, { aud: ['v', 't', 'chat'], sub: 'user_ada', playback_id: f.signedPb });

    const master = await call(`/hls/${f.signedPb}.m3u8?token=${t}`);
    expect(master.status, master.text).toBe(200);
    expect(master.text).toContain('#EXTM3U');
    expect((await call(`/thumbnails/${f.signedPb}.jpg?token=${t}`)).status).toBe(200);

    const { s, snapshot } = await join(roomId, { token: t });
    expect(snapshot.type).toBe('snapshot');
    s.close();
  });

  it('keeps single-audience tokens working, and refuses a token without `chat` in the room', async () => {
    const f = await playbackFixture();
    const roomId = (await call(`/v1/streams/${f.streamId}`, { auth: f.keyToken })).json.room_id as string;
    // Today's playback token: sub is the playback id.
    const classic = await token(f, { aud: 'v', sub: f.signedPb });
    expect((await call(`/hls/${f.signedPb}.m3u8?token=${classic}`)).status).toBe(200);

    const videoOnly = await token(f, { aud: ['v', 't'], sub: 'user_ada', playback_id: f.signedPb });
    expect((await call(`/hls/${f.signedPb}.m3u8?token=${videoOnly}`)).status).toBe(200);
    const res = await openSocket(roomId, { token: videoOnly });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('wrong_audience');
  });

  it('binds the token to its playback id: another stream’s room and another playback id refuse it', async () => {
    const f = await playbackFixture();
    const t = await token(f, { aud: ['v', 'chat'], sub: 'user_ada', playback_id: f.signedPb });
    // Another stream of the same app, with its own room.
    const other = await call('/v1/streams', { auth: f.keyToken, body: { playback_policies: ['signed'] } });
    const otherRoom = (await call(`/v1/streams/${other.json.id}`, { auth: f.keyToken })).json.room_id as string;
    const res = await openSocket(otherRoom, { token: t });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('wrong_subject');
    expectError(await call(`/hls/${other.json.playback_ids[0].id}.m3u8?token=${t}`), 403, 'wrong_subject');
  });
});
