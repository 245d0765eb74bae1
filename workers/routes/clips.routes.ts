import { createRoute } from '@hono/zod-openapi';
import { renderAsset } from '../../core/asset-views';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { inScope } from '../middleware/in-scope';
import { clipAsset, clipLive } from '../services/clips.service';
import { assertStorageAllowed } from '../services/plan-limits.service';
import { Asset, CreateAssetClipBody, CreateLiveClipBody } from './assets.schema';

/**
 * Instant clips (issue 14): `POST /v1/assets/{id}/clips` cuts a range out of an asset (a recording,
 * even one still live, an upload or another clip); `POST /v1/streams/{id}/clips` cuts the last
 * seconds of the live session. Either answers a new asset, `ready` and playable at once
 * (workers/services/clips.service.ts).
 */
const clipOfAsset = createRoute({
  method: 'post',
  path: '/{asset_id}/clips',
  tags: ['Assets'],
  middleware: [inScope('asset')] as const,
  operationId: 'createAssetClip',
  summary: 'Cut a clip (a new asset, playable at once) from an asset by start and end seconds',
  request: { params: idParam('asset_id', 'ast_123'), ...jsonBody(CreateAssetClipBody) },
  responses: { 201: json(Asset, 'The clip'), ...commonErrors },
});

const clipOfStream = createRoute({
  method: 'post',
  path: '/{stream_id}/clips',
  tags: ['Live streams'],
  middleware: [inScope('stream')] as const,
  operationId: 'createLiveClip',
  summary: 'Clip the last seconds of a live stream (its DVR window) while it is live',
  request: { params: idParam('stream_id', 'str_123'), ...jsonBody(CreateLiveClipBody) },
  responses: { 201: json(Asset, 'The clip'), ...commonErrors },
});

export const assetClipRoutes = createAppRouter().openapi(clipOfAsset, async (c) => {
  const parent = c.get('asset');
  // A clip is a new asset: past the plan's recording storage it is refused like an upload.
  await assertStorageAllowed(c.get('db'), c.env, parent.appId);
  const view = await clipAsset(c.get('db'), c.env, parent, c.req.valid('json'));
  c.set('audit', {
    action: 'asset.clip',
    resourceType: 'asset',
    resourceId: view.asset.id,
    details: { parent_asset_id: parent.id },
  });
  return c.json(renderAsset(view), 201);
});

export const streamClipRoutes = createAppRouter().openapi(clipOfStream, async (c) => {
  const stream = c.get('stream');
  await assertStorageAllowed(c.get('db'), c.env, stream.appId);
  const view = await clipLive(c.get('db'), c.env, stream, c.req.valid('json'));
  c.set('audit', {
    action: 'asset.clip',
    resourceType: 'asset',
    resourceId: view.asset.id,
    details: { stream_id: stream.id },
  });
  return c.json(renderAsset(view), 201);
});
