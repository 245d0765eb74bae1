import { describe, expect, it } from 'vitest';
import { MIN_PART_BYTES, partRanges } from './job-client.ts';

describe('MP4 parts', () => {
  it('cuts a file into equal parts of at least 5 MiB, the last one shorter', () => {
    const mib = 1024 * 1024;
    expect(partRanges(12 * mib, 5 * mib)).toEqual([
      { offset: 0, length: 5 * mib },
      { offset: 5 * mib, length: 5 * mib },
      { offset: 10 * mib, length: 2 * mib },
    ]);
    // R2 refuses smaller parts (but the last), so a smaller ask is raised to its floor.
    expect(partRanges(7 * mib, 1)).toEqual([
      { offset: 0, length: MIN_PART_BYTES },
      { offset: MIN_PART_BYTES, length: 2 * mib },
    ]);
    expect(partRanges(1000, 32 * mib)).toEqual([{ offset: 0, length: 1000 }]);
    expect(partRanges(10 * mib, 5 * mib)).toHaveLength(2);
  });
});
