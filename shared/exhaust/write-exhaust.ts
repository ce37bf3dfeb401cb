import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Cell } from '../reports/report-definition.ts';
import { rowEncoder } from './cells.ts';
import { CSV_BOM, encodeRow } from './csv-encoding.ts';
import { zipSingleFile } from './zip-writer.ts';

export interface ExhaustFileSpec {
  /** Name of the CSV inside the ZIP. */
  entryName: string;
  header: string[];
  idColumns: ReadonlySet<string>;
  /** Rows in batches (a page of learners' rows each), so the hot loop stays synchronous. */
  rowBatches: AsyncIterable<Cell[][]> | Iterable<Cell[][]>;
  password?: string | undefined;
}

export interface ExhaustFileStats {
  rows: number;
  /** Bytes of CSV before compression. */
  csvBytes: number;
  /** Bytes of the ZIP. */
  bytes: number;
  sha256: string;
}

export interface ExhaustZipStream {
  /** The ZIP's bytes, to hand to a blob store or a file. */
  zip: Readable;
  /** Settles when every row is in the ZIP; rejects with the first failure of any stage. */
  stats: Promise<ExhaustFileStats>;
}

/** Rows are gathered into chunks of about this size before they reach deflate and AES. */
const CHUNK_CHARS = 128 * 1024;

/**
 * Streams rows → CSV (UTF-8 with BOM, CRLF, formula-safe) → ZIP (AES-256 with a password) with
 * back-pressure all the way: rows are pulled from the source only as fast as `zip` is read, and only
 * a chunk or two of CSV is held at a time. Any failure (the row source, deflate, the consumer)
 * destroys `zip` and rejects `stats`.
 */
export function streamExhaustZip(spec: ExhaustFileSpec): ExhaustZipStream {
  const encode = rowEncoder(spec.header, spec.idColumns);
  let rows = 0;
  let csvBytes = 0;

  async function* csvChunks(): AsyncGenerator<Buffer> {
    let pending = CSV_BOM + encodeRow(spec.header);
    for await (const batch of spec.rowBatches) {
      for (const row of batch) {
        pending += encode(row);
        if (pending.length >= CHUNK_CHARS) {
          const chunk = Buffer.from(pending, 'utf8');
          csvBytes += chunk.length;
          pending = '';
          yield chunk;
        }
      }
      rows += batch.length;
    }
    const last = Buffer.from(pending, 'utf8');
    csvBytes += last.length;
    yield last;
  }

  const csv = Readable.from(csvChunks(), { objectMode: false, highWaterMark: 1 });
  const hash = createHash('sha256');
  let bytes = 0;
  async function* measured(): AsyncGenerator<Buffer> {
    for await (const chunk of zipSingleFile(csv, { name: spec.entryName, password: spec.password })) {
      hash.update(chunk);
      bytes += chunk.length;
      yield chunk;
    }
  }
  const zip = Readable.from(measured(), { objectMode: false, highWaterMark: 1 });
  const done = new Promise<void>((resolve, reject) => {
    zip.once('end', resolve);
    zip.once('error', reject);
    zip.once('close', () => {
      if (!zip.readableEnded) reject(new Error('The ZIP stream was closed before it ended'));
    });
  });

  const stats = done.then(() => ({ rows, csvBytes, bytes, sha256: hash.digest('hex') }));
  // The caller may only await the upload; keep a rejection here from going unhandled meanwhile.
  stats.catch(() => undefined);
  return { zip, stats };
}
