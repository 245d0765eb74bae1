import { createMiddleware } from 'hono/factory';
import type { Db } from '../../core/db/client';
import type { WebhookEndpointRow } from '../../core/webhook-endpoints';
import type { AppScopedEnv } from '../env';
import type { ChannelRow } from '../routes/channels.schema';
import type { DomainRow } from '../routes/domains.schema';
import { type AssetRow, findAsset } from '../services/assets.service';
import { findChannel } from '../services/channels.service';
import { findDomain } from '../services/domains.service';
import { findRoom, type RoomRow } from '../services/rooms.service';
import { findStream, type StreamRow } from '../services/streams.service';
import { findEndpoint } from '../services/webhook-endpoints.service';

/**
 * The one way a route loads "its" resource: the row named by the path parameter, in the caller's
 * app, read once and put on the context under the kind's name. Another tenant's (or a missing) id
 * answers 404 here, before the body is validated, so a probe learns nothing from which error it
 * gets; handlers read `c.get('<kind>')` instead of querying the same row again.
 */
interface Loader<Row> {
  param: string;
  load: (db: Db, appId: string, id: string) => Promise<Row>;
}

const loaders = {
  stream: { param: 'stream_id', load: findStream } satisfies Loader<StreamRow>,
  room: { param: 'room_id', load: findRoom } satisfies Loader<RoomRow>,
  webhookEndpoint: { param: 'endpoint_id', load: findEndpoint } satisfies Loader<WebhookEndpointRow>,
  channel: { param: 'channel_id', load: findChannel } satisfies Loader<ChannelRow>,
  asset: { param: 'asset_id', load: findAsset } satisfies Loader<AssetRow>,
  domain: { param: 'domain_id', load: findDomain } satisfies Loader<DomainRow>,
};

export type ScopedKind = keyof typeof loaders;
type RowOf<K extends ScopedKind> = Awaited<ReturnType<(typeof loaders)[K]['load']>>;

/** What the handlers behind `inScope(kind)` see on the context. */
export type InScopeEnv<K extends ScopedKind> = AppScopedEnv & {
  Variables: AppScopedEnv['Variables'] & { [P in K]: RowOf<K> };
};

export function inScope<K extends ScopedKind>(kind: K) {
  const { param, load } = loaders[kind] as Loader<RowOf<K>>;
  return createMiddleware<InScopeEnv<K>>(async (c, next) => {
    const row = await load(c.get('db'), c.get('scope').appId, c.req.param(param) ?? '');
    // `row` is the kind's row; TypeScript cannot follow K through the mapped type, hence the cast.
    c.set(kind, row as InScopeEnv<K>['Variables'][K]);
    await next();
  });
}
