import type { ImageKind } from './channel-images.service';

/**
 * Resized channel images. A fixed set of widths per kind, not any size a URL asks for: every
 * distinct transformation is billed by Cloudflare Images, and a page needs only a few sizes
 * (the watch page draws avatars at 56-88 px and banners across the slate). A variant is made once,
 * stored in R2 beside the original and then served like it (immutable, through the Cache API).
 * With no Images binding, or for an original no larger than the variant, the original is served
 * at the variant's URL, so the URLs in a channel answer always work.
 */
export const VARIANT_WIDTHS: Record<ImageKind, readonly number[]> = {
  avatar: [64, 256],
  banner: [640, 1280],
};

/** Variants are WebP whatever the original: smaller than PNG/JPEG and read by every current browser. */
export const VARIANT_TYPE = 'image/webp' as const;

export type VariantRequest =
  | { serve: 'original' }
  | { serve: 'variant'; width: number }
  | { serve: 'invalid'; allowed: readonly number[] };

/** What `?w=` asks of an image of this kind, given whether the runtime can resize at all. */
export function variantRequest(kind: ImageKind, w: string | undefined, canResize: boolean): VariantRequest {
  if (w === undefined) return { serve: 'original' };
  const allowed = VARIANT_WIDTHS[kind];
  const width = /^[1-9][0-9]{0,4}$/.test(w) ? Number(w) : Number.NaN;
  if (!allowed.includes(width)) return { serve: 'invalid', allowed };
  return canResize ? { serve: 'variant', width } : { serve: 'original' };
}

export interface VariantTransform {
  width: number;
  height?: number;
  fit: 'cover' | 'scale-down';
}

/**
 * How to derive the variant from an original of this size, or null when the original is already
 * no larger (never upscaled). Avatars are square crops (they are drawn in circles), banners keep
 * their aspect ratio.
 */
export function variantTransform(
  kind: ImageKind,
  width: number,
  original: { width: number; height: number },
): VariantTransform | null {
  if (kind === 'avatar') {
    const side = Math.min(original.width, original.height);
    if (side <= width && original.width === original.height) return null;
    const s = Math.min(width, side);
    return { width: s, height: s, fit: 'cover' };
  }
  if (original.width <= width) return null;
  return { width, fit: 'scale-down' };
}

/** The R2 key a variant is stored under: beside its original, not matching the public key pattern. */
export const variantKey = (originalKey: string, width: number) =>
  `${originalKey.replace(/\.(png|jpeg|webp)$/, '')}-w${width}.webp`;

/** The variant URLs a channel answer lists for an image (empty without one). */
export const variantUrls = (kind: ImageKind, url: string | null) =>
  url ? VARIANT_WIDTHS[kind].map((width) => ({ width, url: `${url}?w=${width}` })) : [];
