import type { Env } from './env';

/**
 * The one way to reach a Durable Object: every Worker and every object addresses the same
 * instance by the resource's id, so there is one object per stream, room and webhook endpoint.
 */
export const streamStub = (env: Env, streamId: string) => env.STREAM.getByName(streamId);
export const roomStub = (env: Env, roomId: string) => env.ROOM.getByName(roomId);
/** One edge shard of a very large room: `name` is `<room id>#<k>` (durable-objects/room/contract.ts `shardName`). */
export const roomShardStub = (env: Env, name: string) => env.ROOM_SHARD.getByName(name);
export const webhookStub = (env: Env, endpointId: string) => env.WEBHOOKS.getByName(endpointId);
/** One media-job queue; `name` leaves room to shard it (by region, by kind) without new call sites. */
export const mediaJobsStub = (env: Env, name = 'default') => env.MEDIA_JOBS.getByName(name);
export const analyticsStub = (env: Env, streamId: string) => env.ANALYTICS.getByName(streamId);
