import { createRoute, z } from '@hono/zod-openapi';
import { commonErrors, createAppRouter, json, jsonBody } from '../lib/router';
import { assetLadder, checkIngestUrl, createVodAsset, renderVodAsset } from '../services/vod-assets.service';
import { Asset } from './assets.schema';
import { NewAssetSettings } from './uploads.schema';

/**
 * `POST /v1/assets {input: "<https url>"}`: server-side ingest (issue 14). The asset is created
 * `preparing` and a transcode job takes it; the media worker fetches the URL itself, so the
 * Worker never holds the file.
 */
const CreateAssetBody = NewAssetSettings.extend({
  input: z
    .string()
    .min(1)
    .openapi({ description: 'An https URL of a video file.', example: 'https://example.com/talk.mp4' }),
})
  .strict()
  .openapi('CreateAsset');

const create = createRoute({
  method: 'post',
  path: '/',
  tags: ['Assets'],
  operationId: 'createAsset',
  summary: 'Create an asset from a video file at a URL (fetched and transcoded by a media job)',
  request: jsonBody(CreateAssetBody),
  responses: { 201: json(Asset), ...commonErrors },
});

export const assetIngestRoutes = createAppRouter().openapi(create, async (c) => {
  const body = c.req.valid('json');
  const appId = c.get('scope').appId;
  const db = c.get('db');
  const inputUrl = checkIngestUrl(body.input, c.env);
  const row = await createVodAsset(db, c.env, {
    appId,
    inputUrl,
    settings: {
      playback_policies: body.playback_policies ?? ['public'],
      ladder: await assetLadder(db, appId, body.ladder),
      mp4_support: body.mp4_support ?? 'none',
      passthrough: body.passthrough ?? null,
    },
  });
  c.set('audit', { action: 'asset.create', resourceType: 'asset', resourceId: row.id, details: { input: inputUrl } });
  return c.json(await renderVodAsset(db, row), 201);
});
