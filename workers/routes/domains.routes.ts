import { createRoute } from '@hono/zod-openapi';
import type { Env } from '../../core/env';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, json, jsonBody } from '../lib/router';
import { inScope } from '../middleware/in-scope';
import { createDomain, deleteDomain, listDomains, verifyDomain } from '../services/domains.service';
import { CreateDomainBody, Domain, DomainParam, renderDomain } from './domains.schema';

/**
 * `/v1/apps/{app_id}/domains` (and `/v1/domains` for API keys): the hostnames an app serves its
 * watch pages on. Add one, put the TXT record it names in the domain's DNS, call verify; from then
 * on `https://<hostname>/watch/<channel_slug>` is the channel's page in the app's branding.
 */
const tags = ['Custom domains'];
const conflictError = { 409: commonErrors[400] };

/** Where customers point their CNAME: the configured target, else the host this API answered on. */
const targetOf = (env: Env, url: string) => env.CUSTOM_DOMAIN_TARGET || new URL(url).hostname;

const list = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listDomains',
  tags,
  summary: 'List the app’s custom domains, newest first',
  request: { query: PageQuery },
  responses: { 200: json(pageSchema(Domain)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  operationId: 'createDomain',
  tags,
  summary: 'Add a custom domain; the answer names the TXT record that proves control',
  request: jsonBody(CreateDomainBody),
  responses: { 201: json(Domain), ...commonErrors, ...conflictError },
});
const get = createRoute({
  method: 'get',
  path: '/{domain_id}',
  middleware: [inScope('domain')] as const,
  operationId: 'getDomain',
  tags,
  summary: 'Get a custom domain and its verification state',
  request: { params: DomainParam },
  responses: { 200: json(Domain), ...commonErrors },
});
const verify = createRoute({
  method: 'post',
  path: '/{domain_id}/verify',
  middleware: [inScope('domain')] as const,
  operationId: 'verifyDomain',
  tags,
  summary: 'Check the TXT record (or Cloudflare’s verdict) now; 409 with what was found while it is missing',
  request: { params: DomainParam },
  responses: { 200: json(Domain), ...commonErrors, ...conflictError },
});
const remove = createRoute({
  method: 'delete',
  path: '/{domain_id}',
  middleware: [inScope('domain')] as const,
  operationId: 'deleteDomain',
  tags,
  summary: 'Remove a custom domain (its watch pages stop answering at once)',
  request: { params: DomainParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

export const domainRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const q = c.req.valid('query');
    const rows = await listDomains(c.get('db'), c.get('scope').appId, q);
    const target = targetOf(c.env, c.req.url);
    return c.json(
      pageOf(rows, q.limit, (r) => renderDomain(r, target)),
      200,
    );
  })
  .openapi(create, async (c) => {
    const { hostname } = c.req.valid('json');
    const row = await createDomain(c.get('db'), c.env, c.get('scope').appId, hostname);
    c.set('audit', { action: 'domain.create', resourceType: 'domain', resourceId: row.id, details: { hostname } });
    return c.json(renderDomain(row, targetOf(c.env, c.req.url)), 201);
  })
  .openapi(get, async (c) => c.json(renderDomain(c.get('domain'), targetOf(c.env, c.req.url)), 200))
  .openapi(verify, async (c) => {
    const row = c.get('domain');
    c.set('audit', { action: 'domain.verify', resourceType: 'domain', resourceId: row.id });
    return c.json(renderDomain(await verifyDomain(c.get('db'), c.env, row), targetOf(c.env, c.req.url)), 200);
  })
  .openapi(remove, async (c) => {
    const row = c.get('domain');
    c.set('audit', { action: 'domain.delete', resourceType: 'domain', resourceId: row.id });
    await deleteDomain(c.get('db'), c.env, row);
    return c.body(null, 204);
  });
