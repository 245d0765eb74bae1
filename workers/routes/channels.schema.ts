import { z } from '@hono/zod-openapi';
import type { channels } from '../../core/db/schema/index';
import { iso } from '../../core/time';
import { idParam } from '../lib/router';
import { variantUrls } from '../services/image-variants';

/** Shapes of the channels API and its renderer. */
export type ChannelRow = typeof channels.$inferSelect;

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

const Link = z.object({
  label: z.string().trim().min(1).max(60),
  url: z
    .string()
    .url()
    .max(500)
    .refine((u) => /^https?:\/\//i.test(u), 'links must be http(s) URLs'),
});

const ImageVariant = z.object({ width: z.number().int(), url: z.string() }).openapi('ChannelImageVariant');

export const Channel = z
  .object({
    id: z.string(),
    app_id: z.string(),
    slug: z.string(),
    display_name: z.string(),
    bio: z.string(),
    avatar_url: z.string().nullable().openapi({ description: 'Served with a year of immutable caching.' }),
    banner_url: z.string().nullable(),
    avatar_variants: z.array(ImageVariant).openapi({
      description:
        'The avatar resized (square, WebP) at 64 and 256 px, for `<img srcset>`; empty without an avatar. Where the runtime has no Images binding each URL serves the original.',
    }),
    banner_variants: z.array(ImageVariant).openapi({
      description: 'The banner resized to 640 and 1280 px wide (WebP); empty without a banner.',
    }),
    links: z.array(Link),
    category: z.string().nullable(),
    tags: z.array(z.string()),
    visibility: z.enum(['public', 'unlisted']),
    watch_url: z.string().openapi({
      description: 'The channel’s watch page on this API host (on a verified custom domain it is `/watch/{slug}`).',
    }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Channel');

const fields = {
  display_name: z.string().trim().min(1).max(100),
  bio: z.string().max(2000),
  links: z.array(Link).max(10),
  category: z.string().trim().min(1).max(60).nullable(),
  tags: z.array(z.string().trim().min(1).max(40)).max(20),
  visibility: z.enum(['public', 'unlisted']),
};

export const CreateChannelBody = z
  .object({
    slug: z.string().regex(SLUG, 'lowercase letters, digits and inner dashes, 1-64 characters'),
    display_name: fields.display_name,
    bio: fields.bio.optional(),
    links: fields.links.optional(),
    category: fields.category.optional(),
    tags: fields.tags.optional(),
    visibility: fields.visibility.default('public'),
  })
  .strict();

export const UpdateChannelBody = z
  .object({
    slug: CreateChannelBody.shape.slug.optional(),
    display_name: fields.display_name.optional(),
    bio: fields.bio.optional(),
    links: fields.links.optional(),
    category: fields.category.optional(),
    tags: fields.tags.optional(),
    visibility: fields.visibility.optional(),
  })
  .strict();

export const ImageBody = z.object({ kind: z.enum(['avatar', 'banner']) }).strict();

export const ImageUpload = z
  .object({
    kind: z.enum(['avatar', 'banner']),
    method: z.literal('PUT'),
    upload_url: z
      .string()
      .openapi({ description: 'PUT the image bytes here (no credentials needed) before it expires.' }),
    expires_at: z.string(),
    max_bytes: z.number().int(),
    max_width: z.number().int(),
    max_height: z.number().int(),
    accepted_types: z.array(z.string()),
  })
  .openapi('ChannelImageUpload');

export const ChannelParam = idParam('channel_id', 'ch_123');

/** Image URLs and the watch URL are absolute, on the host the caller used. */
export const imageUrl = (base: string, key: string | null) => (key ? `${base}/channel-images/${key}` : null);

export const renderChannel = (r: ChannelRow, base: string) => ({
  id: r.id,
  app_id: r.appId,
  slug: r.slug,
  display_name: r.displayName,
  bio: r.bio,
  avatar_url: imageUrl(base, r.avatarKey),
  banner_url: imageUrl(base, r.bannerKey),
  avatar_variants: variantUrls('avatar', imageUrl(base, r.avatarKey)),
  banner_variants: variantUrls('banner', imageUrl(base, r.bannerKey)),
  links: r.links,
  category: r.category,
  tags: r.tags,
  visibility: r.visibility,
  watch_url: `${base}/watch/${r.appId}/${r.slug}`,
  created_at: iso(r.createdAt)!,
  updated_at: iso(r.updatedAt)!,
});
