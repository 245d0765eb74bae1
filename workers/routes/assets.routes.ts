import { createRoute } from '@hono/zod-openapi';
import { loadAssetView, renderAsset, renderAssetPlaybackId } from '../../core/asset-views';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { inScope } from '../middleware/in-scope';
import {
  addAssetPlaybackId,
  deleteAsset,
  listAssets,
  removeAssetPlaybackId,
  updateAsset,
} from '../services/assets.service';
import { Asset, AssetListQuery, CreateAssetPlaybackIdBody, UpdateAssetBody } from './assets.schema';
import { PlaybackId } from './streams.schema';

const tags = ['Assets'];
const AssetParam = idParam('asset_id', 'ast_123');
const AssetPlaybackParam = AssetParam.extend(idParam('playback_id', 'pb_123').shape);

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  operationId: 'listAssets',
  summary: 'List assets, newest first (filter by stream, source, status, creation time)',
  request: { query: PageQuery.merge(AssetListQuery) },
  responses: { 200: json(pageSchema(Asset)), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{asset_id}',
  tags,
  middleware: [inScope('asset')] as const,
  operationId: 'getAsset',
  summary: 'Get an asset',
  request: { params: AssetParam },
  responses: { 200: json(Asset), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: '/{asset_id}',
  tags,
  middleware: [inScope('asset')] as const,
  operationId: 'updateAsset',
  summary: "Update an asset's passthrough and metadata",
  request: { params: AssetParam, ...jsonBody(UpdateAssetBody) },
  responses: { 200: json(Asset), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{asset_id}',
  tags,
  middleware: [inScope('asset')] as const,
  operationId: 'deleteAsset',
  summary: 'Delete an asset and its media in R2 (its playback ids stop playing)',
  request: { params: AssetParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});
const createPlayback = createRoute({
  method: 'post',
  path: '/{asset_id}/playback-ids',
  tags,
  middleware: [inScope('asset')] as const,
  operationId: 'createAssetPlaybackId',
  summary: 'Add a playback id to an asset (`public`, or `signed`: viewers need a token)',
  request: { params: AssetParam, ...jsonBody(CreateAssetPlaybackIdBody) },
  responses: { 201: json(PlaybackId), ...commonErrors },
});
const removePlayback = createRoute({
  method: 'delete',
  path: '/{asset_id}/playback-ids/{playback_id}',
  tags,
  middleware: [inScope('asset')] as const,
  operationId: 'deleteAssetPlaybackId',
  summary: "Delete an asset's playback id",
  request: { params: AssetPlaybackParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

export const assetRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const q = c.req.valid('query');
    const { rows, viewOf } = await listAssets(c.get('db'), c.get('scope').appId, q);
    return c.json(
      pageOf(rows, q.limit, (r) => renderAsset(viewOf(r))),
      200,
    );
  })
  .openapi(get, async (c) => c.json(renderAsset(await loadAssetView(c.get('db'), c.get('asset'))), 200))
  .openapi(update, async (c) => {
    const a = c.get('asset');
    const body = c.req.valid('json');
    c.set('audit', {
      action: 'asset.update',
      resourceType: 'asset',
      resourceId: a.id,
      details: { fields: Object.keys(body) },
    });
    return c.json(renderAsset(await updateAsset(c.get('db'), a, c.env, body)), 200);
  })
  .openapi(remove, async (c) => {
    const a = c.get('asset');
    c.set('audit', { action: 'asset.delete', resourceType: 'asset', resourceId: a.id });
    await deleteAsset(c.get('db'), c.env, a);
    return c.body(null, 204);
  })
  .openapi(createPlayback, async (c) => {
    const a = c.get('asset');
    const row = await addAssetPlaybackId(c.get('db'), a, c.req.valid('json').policy);
    c.set('audit', {
      action: 'playback_id.create',
      resourceType: 'playback_id',
      resourceId: row.id,
      details: { asset_id: a.id, policy: row.policy },
    });
    return c.json(renderAssetPlaybackId(row), 201);
  })
  .openapi(removePlayback, async (c) => {
    const { playback_id } = c.req.valid('param');
    c.set('audit', { action: 'playback_id.delete', resourceType: 'playback_id', resourceId: playback_id });
    await removeAssetPlaybackId(c.get('db'), c.get('asset'), playback_id);
    return c.body(null, 204);
  });
