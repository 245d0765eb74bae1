import { createRoute, z } from '@hono/zod-openapi';
import { commonErrors, createAppRouter, json, jsonBody } from '../lib/router';
import { brandOf, resetBrand, setBrand } from '../services/branding.service';

/**
 * `/v1/branding` (and `/v1/apps/{app_id}/branding`): the app's white-label look, applied to its
 * watch pages, the chat and player embeds and their offline slates. Once set, no Edgelive name
 * shows unless `powered_by` is true.
 */
const tags = ['Branding'];
const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a #rrggbb colour');
const imageUrl = z
  .string()
  .url()
  .max(500)
  .refine((u) => /^https?:\/\//i.test(u), 'an http(s) URL')
  .nullable();

const Colors = z.object({ accent: colour, background: colour, surface: colour, text: colour });
export const Branding = z
  .object({
    name: z.string(),
    logo_url: z.string().nullable(),
    favicon_url: z.string().nullable(),
    theme: z.enum(['dark', 'light']),
    colors: Colors,
    footer: z.string().nullable(),
    powered_by: z.boolean(),
    custom: z.boolean().openapi({ description: 'False while the app uses the defaults.' }),
  })
  .openapi('Branding');

const BrandingBody = z
  .object({
    name: z.string().trim().min(1).max(60),
    logo_url: imageUrl.optional(),
    favicon_url: imageUrl.optional(),
    theme: z.enum(['dark', 'light']).optional(),
    colors: Colors.partial().strict().optional(),
    footer: z.string().trim().max(200).nullable().optional(),
    powered_by: z.boolean().optional(),
  })
  .strict();

const get = createRoute({
  method: 'get',
  path: '/',
  tags,
  operationId: 'getBranding',
  summary: 'Get the app’s branding (the defaults until it sets one)',
  responses: { 200: json(Branding), ...commonErrors },
});
const put = createRoute({
  method: 'put',
  path: '/',
  tags,
  operationId: 'setBranding',
  summary: 'Set the app’s branding (replaces what was set)',
  request: jsonBody(BrandingBody),
  responses: { 200: json(Branding), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/',
  tags,
  operationId: 'resetBranding',
  summary: 'Go back to the default look',
  responses: { 204: { description: 'Reset' }, ...commonErrors },
});

export const brandingRoutes = createAppRouter()
  .openapi(get, async (c) => c.json(await brandOf(c.get('db'), c.get('scope').appId), 200))
  .openapi(put, async (c) => {
    c.set('audit', { action: 'branding.update', resourceType: 'app', resourceId: c.get('scope').appId });
    return c.json(await setBrand(c.get('db'), c.get('scope').appId, c.req.valid('json')), 200);
  })
  .openapi(remove, async (c) => {
    c.set('audit', { action: 'branding.reset', resourceType: 'app', resourceId: c.get('scope').appId });
    await resetBrand(c.get('db'), c.get('scope').appId);
    return c.body(null, 204);
  });
