import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const HEAP_LIMIT_MB = 48;

describe('exhaust writer memory', () => {
  it(`streams a batch whose CSV is over twice the heap through a ${HEAP_LIMIT_MB} MB heap`, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'memory-')), 'large.zip');
    const { stdout } = await run(
      process.execPath,
      [
        `--max-old-space-size=${HEAP_LIMIT_MB}`,
        '--expose-gc',
        '--import',
        'tsx',
        'test/support/stream-large-batch.ts',
        '400000',
        out,
      ],
      { maxBuffer: 1024 * 1024 },
    );
    const result = JSON.parse(stdout) as {
      rows: number;
      csvBytes: number;
      bytes: number;
      retainedMB: { quarter: number; end: number };
    };
    expect(result.rows).toBe(400_000);
    expect(result.csvBytes).toBeGreaterThan(2 * HEAP_LIMIT_MB * 1024 * 1024);
    expect(statSync(out).size).toBe(result.bytes);
    // Flat: what the heap still holds after a full collection does not grow with the rows written.
    // 300k more rows in between: keeping even 8 bytes a row would add 2.4 MB.
    expect(result.retainedMB.end - result.retainedMB.quarter).toBeLessThan(2);
    // Generous: a shared 2-core machine under load can take minutes over what alone takes seconds.
  }, 240_000);
});
