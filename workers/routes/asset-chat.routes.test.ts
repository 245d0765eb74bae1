import { describe, expect, it } from 'vitest';
import type { EmbedConfig } from '../../packages/client/src/player/embed-config';
import { call, expectError, tenant } from '../test/helpers';
import { createStream, originCall, publish, sessionPath, uploadSegment } from '../test/origin';
import { signingKey, viewerToken } from '../test/playback';

/**
 * Chat replay on a recording's timeline (issue 14): messages sent while the session ran come back
 * by media time (sent time minus the recording's first frame), in order, for a range, a page at a
 * time; a clip's chat is the same on the clip's own timeline.
 */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Msg = { id: string; text: string; media_time_s: number; sent_at: string };

describe('asset chat replay', () => {
  it('returns the messages of the recording by media time, in order, for a range and in pages', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { playback_policies: ['public'], recording: true, reconnect_window: 0 });
    const room = (await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json.room_id as string;
    const say = async (text: string) =>
      (await call(`/v1/rooms/${room}/messages`, { auth: t.key.token, body: { text } })).json;
    const pub = await publish(s.stream_key);
    const sid = pub.json.session_id as string;
    // The recording's first frame was 5 s ago (as the origin stamps it); 20 s of media.
    const zero = Date.now() - 5000;
    for (let i = 0; i < 10; i++) await uploadSegment(s.id, sid, '720p', i, { pdt: new Date(zero + i * 2000) });
    const sent = [];
    for (const text of ['first', 'second', 'third']) {
      sent.push(await say(text));
      await pause(40);
    }
    await originCall(`${sessionPath(s.id, sid)}/publish-done`, { body: {} });
    await say('after the show');
    const asset = (await call(`/v1/assets?stream_id=${s.id}`, { auth: t.key.token })).json.data[0];
    const mediaOf = (m: { created_at: string }) => (Date.parse(m.created_at) - zero) / 1000;

    const all = await call(`/v1/assets/${asset.id}/chat`, { auth: t.key.token });
    expect(all.status, all.text).toBe(200);
    expect(all.json.data.map((m: Msg) => [m.text, m.media_time_s])).toEqual(sent.map((m) => [m.text, mediaOf(m)]));
    expect(all.json.data[0].sent_at).toBe(sent[0].created_at);
    expect(all.json.next_cursor).toBeNull();

    const mid = mediaOf(sent[1]);
    const range = await call(`/v1/assets/${asset.id}/chat?from=${mid - 0.01}&to=${mid + 0.01}`, { auth: t.key.token });
    expect(range.json.data.map((m: Msg) => m.text)).toEqual(['second']);

    const page1 = await call(`/v1/assets/${asset.id}/chat?limit=2`, { auth: t.key.token });
    expect(page1.json.data.map((m: Msg) => m.text)).toEqual(['first', 'second']);
    const page2 = await call(`/v1/assets/${asset.id}/chat?limit=2&cursor=${page1.json.next_cursor}`, {
      auth: t.key.token,
    });
    expect(page2.json).toMatchObject({ data: [{ text: 'third' }], next_cursor: null });

    // A clip from 4 s: the same messages, 4 s earlier on its timeline.
    const clip = await call(`/v1/assets/${asset.id}/clips`, { auth: t.key.token, body: { start: 4, end: 10 } });
    expect(clip.json.source.start).toBe(4);
    const clipChat = await call(`/v1/assets/${clip.json.id}/chat`, { auth: t.key.token });
    expect(clipChat.json.data.map((m: Msg) => m.media_time_s)).toEqual(
      sent.map((m) => Math.round((mediaOf(m) - 4) * 1000) / 1000),
    );

    expectError(await call(`/v1/assets/${asset.id}/chat?from=-1`, { auth: t.key.token }), 400);
    expectError(await call(`/v1/assets/${asset.id}/chat?cursor=nope`, { auth: t.key.token }), 400);
    const other = await tenant();
    expectError(await call(`/v1/assets/${asset.id}/chat`, { auth: other.key.token }), 404);
  });

  it('the players read it by playback id (/chat-replay/{pb}) under its policy, and the embed page points at it', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, {
      playback_policies: ['public', 'signed'],
      recording: true,
      reconnect_window: 0,
    });
    const room = (await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json.room_id as string;
    const pub = await publish(s.stream_key);
    const sid = pub.json.session_id as string;
    const zero = Date.now() - 4000;
    for (let i = 0; i < 4; i++) await uploadSegment(s.id, sid, '720p', i, { pdt: new Date(zero + i * 2000) });
    for (const text of ['hello', 'again']) {
      await call(`/v1/rooms/${room}/messages`, { auth: t.key.token, body: { text } });
      await pause(40);
    }
    await originCall(`${sessionPath(s.id, sid)}/publish-done`, { body: {} });
    const asset = (await call(`/v1/assets?stream_id=${s.id}`, { auth: t.key.token })).json.data[0];
    const byKey = (await call(`/v1/assets/${asset.id}/chat`, { auth: t.key.token })).json;
    const pbOf = (policy: string) => asset.playback_ids.find((p: { policy: string }) => p.policy === policy).id;

    const open = await call(`/chat-replay/${pbOf('public')}`);
    expect(open.status, open.text).toBe(200);
    expect(open.json).toEqual(byKey);
    expect(open.json.data.map((m: Msg) => m.text)).toEqual(['hello', 'again']);
    const paged = await call(`/chat-replay/${pbOf('public')}?limit=1`);
    expect(paged.json.data.map((m: Msg) => m.text)).toEqual(['hello']);
    const rest = await call(`/chat-replay/${pbOf('public')}?limit=1&cursor=${paged.json.next_cursor}`);
    expect(rest.json).toMatchObject({ data: [{ text: 'again' }], next_cursor: null });

    // A signed id: the token it plays with (aud v), not one for thumbnails.
    const signed = pbOf('signed');
    expectError(await call(`/chat-replay/${signed}`), 401);
    const key = await signingKey(t.key.token);
    const thumb = await viewerToken(key, { sub: signed, aud: 't' });
    expectError(await call(`/chat-replay/${signed}?token=${thumb}`), 403);
    const play = await viewerToken(key, { sub: signed, aud: 'v' });
    const withToken = await call(`/chat-replay/${signed}?token=${play}`);
    expect(withToken.status, withToken.text).toBe(200);
    expect(withToken.json).toEqual(byKey);

    // The live stream's own id has no replay; bad input is a 400; unknown ids a 404.
    expectError(await call(`/chat-replay/${s.playback_ids.find((p) => p.policy === 'public')!.id}`), 404);
    expectError(await call(`/chat-replay/${pbOf('public')}?from=-3`), 400);
    expectError(await call(`/chat-replay/${pbOf('public')}?limit=500`), 400);
    expectError(await call('/chat-replay/pb_doesnotexist000000'), 404);

    // The embed page of the asset's id hands its script the replay URL (token included); chat=0 drops it.
    const config = async (path: string) => {
      const html = (await call(path)).text;
      const json = html.match(/<script id="edgelive-config" type="application\/json">(.*?)<\/script>/)?.[1];
      return JSON.parse(json!) as EmbedConfig;
    };
    expect((await config(`/embed/${signed}?token=${play}`)).chatReplay).toBe(`/chat-replay/${signed}?token=${play}`);
    expect((await config(`/embed/${pbOf('public')}?chat=0`)).chatReplay).toBeUndefined();
    expect((await config(`/embed/${s.playback_ids[0]!.id}`)).chatReplay).toBeUndefined();
  });
});
