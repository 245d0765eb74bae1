/**
 * Minimal image headers for tests: real PNG/JPEG/WebP byte layouts (the parts a sniffer reads),
 * built here so each test states the dimensions it means instead of hiding them in a binary file.
 */
const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

export function pngBytes(width: number, height: number, pad = 0): Uint8Array {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
  return new Uint8Array([
    ...head,
    ...be32(width),
    ...be32(height),
    8,
    6,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...new Array(pad).fill(0),
  ]);
}

export function jpegBytes(width: number, height: number): Uint8Array {
  // SOI, an APP0 segment (skipped by the walker), then SOF0 with height and width.
  const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof0 = [
    0xff,
    0xc0,
    0,
    17,
    8,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

export function webpBytes(kind: 'VP8 ' | 'VP8L' | 'VP8X', width: number, height: number): Uint8Array {
  const b = new Uint8Array(40);
  const put = (i: number, s: string) => {
    for (let j = 0; j < s.length; j++) b[i + j] = s.charCodeAt(j);
  };
  put(0, 'RIFF');
  put(8, 'WEBP');
  put(12, kind);
  if (kind === 'VP8 ') {
    b.set([0x9d, 0x01, 0x2a, width & 255, width >> 8, height & 255, height >> 8], 23);
  } else if (kind === 'VP8L') {
    const bits = (width - 1) | ((height - 1) << 14);
    b.set([0x2f, bits & 255, (bits >>> 8) & 255, (bits >>> 16) & 255, (bits >>> 24) & 255], 20);
  } else {
    const w = width - 1;
    const h = height - 1;
    b.set([w & 255, (w >> 8) & 255, (w >> 16) & 255, h & 255, (h >> 8) & 255, (h >> 16) & 255], 24);
  }
  return b;
}

export const gifBytes = () => new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Uint8Array) => {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/**
 * A whole, decodable PNG of one colour (RGB, 8 bits), for the tests that resize: an image library
 * must be able to read it, not just a sniffer. Deflated with the runtime's CompressionStream
 * (`deflate` is the zlib format PNG's IDAT wants).
 */
export async function solidPng(width: number, height: number, rgb: [number, number, number]): Promise<Uint8Array> {
  const raw = new Uint8Array((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(rgb, y * (width * 3 + 1) + 1 + x * 3);
  const idat = new Uint8Array(
    await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer(),
  );
  const chunk = (type: string, data: Uint8Array) => {
    const body = new Uint8Array([...new TextEncoder().encode(type), ...data]);
    return [...be32(data.length), ...body, ...be32(crc32(body))];
  };
  const ihdr = new Uint8Array([...be32(width), ...be32(height), 8, 2, 0, 0, 0]);
  return new Uint8Array([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...chunk('IHDR', ihdr),
    ...chunk('IDAT', idat),
    ...chunk('IEND', new Uint8Array(0)),
  ]);
}
