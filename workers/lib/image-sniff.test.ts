import { describe, expect, it } from 'vitest';
import { gifBytes, jpegBytes, pngBytes, webpBytes } from './image-fixtures';
import { sniffImage } from './image-sniff';

describe('sniffImage', () => {
  it('reads PNG, JPEG and WebP (lossy, lossless, extended) with their dimensions', () => {
    expect(sniffImage(pngBytes(640, 480))).toEqual({ type: 'png', width: 640, height: 480 });
    expect(sniffImage(jpegBytes(1280, 720))).toEqual({ type: 'jpeg', width: 1280, height: 720 });
    expect(sniffImage(webpBytes('VP8 ', 300, 200))).toEqual({ type: 'webp', width: 300, height: 200 });
    expect(sniffImage(webpBytes('VP8L', 301, 201))).toEqual({ type: 'webp', width: 301, height: 201 });
    expect(sniffImage(webpBytes('VP8X', 5000, 4000))).toEqual({ type: 'webp', width: 5000, height: 4000 });
  });

  it('refuses other formats, truncated headers and zero sizes, whatever the file is called', () => {
    expect(sniffImage(gifBytes())).toBeNull();
    expect(sniffImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(pngBytes(640, 480).subarray(0, 20))).toBeNull();
    expect(sniffImage(pngBytes(0, 480))).toBeNull();
    expect(sniffImage(jpegBytes(10, 10).subarray(0, 6))).toBeNull();
  });
});
