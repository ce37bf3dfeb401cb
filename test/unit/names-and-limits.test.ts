import { describe, expect, it } from 'vitest';
import {
  downloadFileName,
  MAX_NAME_PART,
  namePart,
  reportObjectKey,
  shardPartKey,
  zipEntryName,
} from '#shared/domain/file-names';
import { MAX_RECORD_NESTING, nestingDepth, outlineShape, storedSize } from '#shared/domain/limits';

const WINDOWS_REFUSES = /[<>:"/\\|?*\p{Cc}]/u;
const longId = (fill: string) => `${fill}:`.repeat(64).slice(0, 128);

describe('file names built from ids', () => {
  it('keeps plain ids as they are', () => {
    expect(namePart('0138412345678901234567')).toBe('0138412345678901234567');
    expect(zipEntryName('b-1', 'course-progress', 'do_1')).toBe('b-1_course-progress_do_1.csv');
  });

  it('escapes characters Windows refuses, and never gives two ids one name', () => {
    expect(namePart('a:b')).toBe('a~3Ab');
    expect(namePart('a~3Ab')).not.toBe(namePart('a:b'));
    expect(namePart('CON')).not.toMatch(/^CON$/i);
    expect(namePart('.hidden')).not.toMatch(/^\./);
    expect(namePart('trailing.')).not.toMatch(/\.$/);
    const ids = ['a:b', 'a_b', 'a-b', 'a.b', 'a~3Ab', 'A:B', longId('x'), `${longId('x').slice(0, 127)}y`];
    expect(new Set(ids.map(namePart)).size).toBe(ids.length);
  });

  it('keeps every name part under 255 bytes and the key under 1,024 for 128-character ids full of colons', () => {
    const request = { org: longId('o'), id: '54dc1b9e-0000-4000-8000-000000000000', type: 'course-progress' as const };
    const course = longId('c');
    const batch = longId('b');
    const names = [
      zipEntryName(batch, request.type, course),
      downloadFileName(batch, request.type, new Date('2026-11-29T00:00:00Z')),
      reportObjectKey({ ...request, courseId: course }, batch),
      shardPartKey(request, batch, 15),
    ];
    for (const name of names) {
      expect(Buffer.byteLength(name)).toBeLessThan(1024);
      for (const part of name.split('/')) {
        expect(Buffer.byteLength(part)).toBeLessThanOrEqual(200);
        expect(part).not.toMatch(WINDOWS_REFUSES);
      }
    }
    expect(namePart(batch)).toHaveLength(MAX_NAME_PART);
  });
});

describe('record limits', () => {
  it('measures nesting without recursion, even 100,000 levels deep', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(nestingDepth(deep, MAX_RECORD_NESTING)).toBe(MAX_RECORD_NESTING + 1);
    expect(nestingDepth({ a: [{ b: 1 }] }, 10)).toBe(3);
  });

  it('counts outline depth and nodes', () => {
    expect(outlineShape([{ children: [{ children: [{}] }, {}] }])).toEqual({ nodes: 4, depth: 3 });
  });

  it('bounds an item size from above the way DynamoDB counts it', () => {
    // "ab" (2) + "xyz" (3) + 1 number (21) + map overhead 3 + 2 entries; names "s", "n".
    expect(storedSize({ s: 'ab', n: 5, l: ['xyz'] })).toBe(3 + 3 + 1 + 2 + 1 + 21 + 1 + (3 + 1 + 3));
    expect(storedSize('é')).toBe(2);
  });
});
