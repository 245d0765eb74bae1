import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { channelStreams, channels, rooms } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { newId } from '../../core/ids';
import { roomStub } from '../../core/stubs';
import { roomConfigOf } from '../../durable-objects/room/contract';
import { conflict } from '../lib/errors';
import type { ChannelRow } from '../routes/channels.schema';
import { findInApp, pageInApp } from './app-rows';
import { roomOfStream } from './rooms.service';

export interface ChannelInput {
  slug?: string;
  display_name?: string;
  bio?: string;
  links?: { label: string; url: string }[];
  category?: string | null;
  tags?: string[];
  visibility?: 'public' | 'unlisted';
}

export const findChannel = (db: Db, appId: string, id: string): Promise<ChannelRow> =>
  findInApp(db, channels, 'channel', 'channel', appId, id);

export const listChannels = (db: Db, appId: string, q: { limit: number; cursor?: string; visibility?: string }) =>
  pageInApp(db, channels, appId, q, q.visibility ? eq(channels.visibility, q.visibility as 'public') : undefined);

export async function findChannelBySlug(db: Db, appId: string, slug: string): Promise<ChannelRow | null> {
  return (
    (await db.query.channels.findFirst({ where: and(eq(channels.appId, appId), eq(channels.slug, slug)) })) ?? null
  );
}

async function slugFree(db: Db, appId: string, slug: string, self?: string) {
  const other = await findChannelBySlug(db, appId, slug);
  if (other && other.id !== self) throw conflict(`The slug "${slug}" is taken by another channel of this app.`);
}

export async function createChannel(
  db: Db,
  appId: string,
  input: ChannelInput & { slug: string; display_name: string },
) {
  await slugFree(db, appId, input.slug);
  const t = Date.now();
  const row: ChannelRow = {
    id: newId('channel'),
    appId,
    slug: input.slug,
    displayName: input.display_name,
    bio: input.bio ?? '',
    avatarKey: null,
    bannerKey: null,
    links: input.links ?? [],
    category: input.category ?? null,
    tags: input.tags ?? [],
    visibility: input.visibility ?? 'public',
    createdAt: t,
    updatedAt: t,
  };
  await db.insert(channels).values(row);
  return row;
}

export async function updateChannel(db: Db, row: ChannelRow, input: ChannelInput) {
  if (input.slug && input.slug !== row.slug) await slugFree(db, row.appId, input.slug, row.id);
  const [updated] = await db
    .update(channels)
    .set({
      slug: input.slug ?? row.slug,
      displayName: input.display_name ?? row.displayName,
      bio: input.bio ?? row.bio,
      links: input.links ?? row.links,
      category: input.category === undefined ? row.category : input.category,
      tags: input.tags ?? row.tags,
      visibility: input.visibility ?? row.visibility,
      updatedAt: Math.max(Date.now(), row.updatedAt + 1),
    })
    .where(eq(channels.id, row.id))
    .returning();
  return updated!;
}

export async function setChannelImage(db: Db, row: ChannelRow, kind: 'avatar' | 'banner', key: string) {
  const [updated] = await db
    .update(channels)
    .set({ [kind === 'avatar' ? 'avatarKey' : 'bannerKey']: key, updatedAt: Math.max(Date.now(), row.updatedAt + 1) })
    .where(eq(channels.id, row.id))
    .returning();
  return updated!;
}

export async function deleteChannel(db: Db, row: ChannelRow) {
  // The join rows go with the channel (ON DELETE CASCADE needs foreign keys on; say it explicitly).
  await db.batch([
    db.delete(channelStreams).where(eq(channelStreams.channelId, row.id)),
    db.delete(channels).where(eq(channels.id, row.id)),
  ]);
}

/**
 * A stream on a channel's watch page has a room readable without a token (`anonymous_read`),
 * since the page's visitors are mostly not signed in; writing still needs the customer's chat token.
 */
export async function openRoomToReaders(db: Db, env: Env, appId: string, streamId: string) {
  const room = await roomOfStream(db, appId, streamId);
  if (!room || room.settings.anonymous_read) return;
  const [updated] = await db
    .update(rooms)
    .set({
      settings: { ...room.settings, anonymous_read: true },
      updatedAt: Math.max(Date.now(), room.updatedAt + 1),
    })
    .where(eq(rooms.id, room.id))
    .returning();
  await roomStub(env, room.id).configure(roomConfigOf(updated!));
}

/** The join row that puts a stream on a channel (leaving any other), for a caller's batch. */
export const channelJoin = (db: Db, channel: { id: string; appId: string }, streamId: string) =>
  db
    .insert(channelStreams)
    .values({ streamId, channelId: channel.id, appId: channel.appId, createdAt: Date.now() })
    .onConflictDoUpdate({ target: channelStreams.streamId, set: { channelId: channel.id, createdAt: Date.now() } });

/** Takes a stream off whatever channel it is on, for a caller's batch. */
export const channelLeave = (db: Db, streamId: string) =>
  db.delete(channelStreams).where(eq(channelStreams.streamId, streamId));

/** A stream joins a channel (leaving any other): the channel's watch page shows it. */
export async function attachStream(db: Db, env: Env, channel: ChannelRow, streamId: string) {
  await openRoomToReaders(db, env, channel.appId, streamId);
  await channelJoin(db, channel, streamId);
}

export async function detachStream(db: Db, channel: ChannelRow, streamId: string) {
  await db
    .delete(channelStreams)
    .where(and(eq(channelStreams.streamId, streamId), eq(channelStreams.channelId, channel.id)));
}

/** The channel's streams, newest attached first. */
export async function channelStreamIds(db: Db, channelId: string): Promise<string[]> {
  const rows = await db
    .select({ id: channelStreams.streamId })
    .from(channelStreams)
    .where(eq(channelStreams.channelId, channelId))
    .orderBy(desc(channelStreams.createdAt))
    .limit(50);
  return rows.map((r) => r.id);
}

/** The channel a stream belongs to, for the stream's render (`channel_id`). */
export async function channelOfStream(db: Db, streamId: string): Promise<string | null> {
  const r = await db.query.channelStreams.findFirst({ where: eq(channelStreams.streamId, streamId) });
  return r?.channelId ?? null;
}
