import { z } from '@hono/zod-openapi';
import type { customDomains } from '../../core/db/schema/index';
import { iso } from '../../core/time';
import { idParam } from '../lib/router';

/** Shapes of the custom domains API and its renderer. */
export type DomainRow = typeof customDomains.$inferSelect;

/**
 * A DNS name a browser can be sent to: two or more labels of letters, digits and inner dashes, up
 * to 253 characters, no wildcard, no IP address (the last label is not all digits).
 */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
export const HOSTNAME = new RegExp(`^(?:${LABEL}\\.)+(?!\\d+$)${LABEL}$`);

export const Hostname = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .transform((h) => h.replace(/\.$/, ''))
  .refine((h) => HOSTNAME.test(h), 'a DNS hostname such as watch.example.com (no scheme, port, path or wildcard)')
  .openapi({ example: 'watch.example.com' });

export const CreateDomainBody = z.object({ hostname: Hostname }).strict();

export const Domain = z
  .object({
    id: z.string(),
    app_id: z.string(),
    hostname: z.string(),
    status: z.enum(['pending', 'verified']),
    verification: z
      .object({
        type: z.literal('txt'),
        name: z.string().openapi({ example: '_edgelive-challenge.watch.example.com' }),
        value: z.string(),
      })
      .openapi({ description: 'Add this TXT record at the domain’s DNS, then call verify.' }),
    cname_target: z
      .string()
      .nullable()
      .openapi({ description: 'Point the hostname (CNAME) here so its requests reach the watch pages.' }),
    provider: z
      .enum(['cloudflare_for_saas'])
      .nullable()
      .openapi({ description: 'Who verifies and routes the hostname; null: this deployment checks the TXT itself.' }),
    watch_url_prefix: z.string().openapi({ example: 'https://watch.example.com/watch/' }),
    verified_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('Domain');

export const DomainParam = idParam('domain_id', 'dom_123');

/** Our own TXT record's name; with Cloudflare for SaaS, Cloudflare's. */
export const txtName = (r: DomainRow) =>
  r.providerId ? `_cf-custom-hostname.${r.hostname}` : `_edgelive-challenge.${r.hostname}`;

export const renderDomain = (r: DomainRow, cnameTarget: string | null) => ({
  id: r.id,
  app_id: r.appId,
  hostname: r.hostname,
  status: r.status,
  verification: { type: 'txt' as const, name: txtName(r), value: r.verificationToken },
  cname_target: cnameTarget,
  provider: r.providerId ? ('cloudflare_for_saas' as const) : null,
  watch_url_prefix: `https://${r.hostname}/watch/`,
  verified_at: iso(r.verifiedAt),
  created_at: iso(r.createdAt)!,
});
