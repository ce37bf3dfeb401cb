import { describe, expect, it } from 'vitest';
import { ChunkPacker } from '#shared/exhaust/chunk-packer';

function pack(lines: string[]): Buffer[] {
  const packer = new ChunkPacker();
  const chunks: Buffer[] = [];
  for (const line of lines) {
    const full = packer.add(line);
    if (full) chunks.push(full);
  }
  const rest = packer.rest();
  if (rest) chunks.push(rest);
  return chunks;
}

describe('chunk packer', () => {
  it('hands out UTF-8 chunks that join into exactly the text, multi-byte characters never split', () => {
    const words = ['ascii', 'Ünïcödé', 'हिन्दी पाठ्यक्रम', 'தமிழ்', '😀👩🏽‍🏫', '"quoted, text"\r\n'];
    const lines = Array.from(
      { length: 40_000 },
      (_, i) => `${i},${words[i % words.length]},${words[(i * 7) % words.length]}\r\n`,
    );
    const chunks = pack(lines);
    expect(chunks.length).toBeGreaterThan(5);
    expect(Buffer.concat(chunks).equals(Buffer.from(lines.join(''), 'utf8'))).toBe(true);
    // Each chunk ends on a line: decoding it alone loses nothing.
    for (const chunk of chunks) expect(chunk.toString('utf8').endsWith('\r\n')).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(128 * 1024);
  });

  it('takes a line larger than a chunk whole', () => {
    const huge = `${'अ'.repeat(100_000)}\r\n`;
    const chunks = pack(['before\r\n', huge, 'after\r\n']);
    expect(chunks.map((c) => c.toString('utf8'))).toEqual(['before\r\n', huge, 'after\r\n']);
  });

  it('hands out nothing for no text', () => {
    expect(pack([])).toEqual([]);
    expect(pack([''])).toEqual([]);
  });
});
