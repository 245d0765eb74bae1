import { describe, expect, it } from 'vitest';
import { variantKey, variantRequest, variantTransform, variantUrls } from './image-variants';

/** Which bytes a channel image URL answers with: the original or which resize (channel-image-delivery.ts). */
describe('image variant selection', () => {
  it('serves the original without ?w=, and without an Images binding whatever the width', () => {
    expect(variantRequest('avatar', undefined, true)).toEqual({ serve: 'original' });
    expect(variantRequest('avatar', '64', false)).toEqual({ serve: 'original' });
    expect(variantRequest('banner', '1280', false)).toEqual({ serve: 'original' });
  });

  it('resizes only to the widths of the kind, refusing any other (each one is a billed transformation)', () => {
    expect(variantRequest('avatar', '64', true)).toEqual({ serve: 'variant', width: 64 });
    expect(variantRequest('avatar', '256', true)).toEqual({ serve: 'variant', width: 256 });
    expect(variantRequest('banner', '640', true)).toEqual({ serve: 'variant', width: 640 });
    for (const w of ['100', '640', '064', '64.0', '', 'x', '-64', '1e2'])
      expect(variantRequest('avatar', w, true)).toEqual({ serve: 'invalid', allowed: [64, 256] });
    expect(variantRequest('banner', '64', false)).toEqual({ serve: 'invalid', allowed: [640, 1280] });
  });

  it('crops avatars square and never upscales; banners keep their aspect ratio', () => {
    expect(variantTransform('avatar', 64, { width: 512, height: 384 })).toEqual({
      width: 64,
      height: 64,
      fit: 'cover',
    });
    expect(variantTransform('avatar', 256, { width: 300, height: 1000 })).toEqual({
      width: 256,
      height: 256,
      fit: 'cover',
    });
    // Square and no larger: the original is the variant.
    expect(variantTransform('avatar', 256, { width: 200, height: 200 })).toBeNull();
    expect(variantTransform('avatar', 64, { width: 64, height: 64 })).toBeNull();
    // Smaller but not square: cropped square at its own short side, not enlarged.
    expect(variantTransform('avatar', 256, { width: 120, height: 90 })).toEqual({
      width: 90,
      height: 90,
      fit: 'cover',
    });
    expect(variantTransform('banner', 640, { width: 1600, height: 400 })).toEqual({ width: 640, fit: 'scale-down' });
    expect(variantTransform('banner', 1280, { width: 1280, height: 320 })).toBeNull();
  });

  it('stores a variant beside its original under a key the public pattern does not serve, and lists its URLs', () => {
    const key = 'channels/app_1/ch_1/avatar-0123456789abcdef01234567.png';
    expect(variantKey(key, 64)).toBe('channels/app_1/ch_1/avatar-0123456789abcdef01234567-w64.webp');
    expect(variantUrls('avatar', 'https://x/channel-images/a.png')).toEqual([
      { width: 64, url: 'https://x/channel-images/a.png?w=64' },
      { width: 256, url: 'https://x/channel-images/a.png?w=256' },
    ]);
    expect(variantUrls('banner', null)).toEqual([]);
  });
});
