import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Cell } from '../reports/report-definition.ts';
import { cellFormatter } from './cells.ts';
import { CSV_BOM, encodeRow } from './csv-encoding.ts';
import { createZipArchive } from './zip.ts';

export interface ExhaustFileSpec {
  /** Name of the CSV inside the ZIP. */
  entryName: string;
  header: string[];
  idColumns: ReadonlySet<string>;
  rows: AsyncIterable<Cell[]> | Iterable<Cell[]>;
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

/**
 * archiver and its AES cipher cost per chunk, not per byte: rows are gathered into chunks of about
 * this size before they reach the ZIP (one chunk per row is several times slower).
 */
const CHUNK_CHARS = 128 * 1024;

/**
 * Streams rows → CSV (UTF-8 with BOM, CRLF, formula-safe) → ZIP (AES-256 with a password) with
 * back-pressure all the way: rows are pulled from the source only as fast as `zip` is read, and at
 * most one chunk of CSV is held at a time.
 */
export function streamExhaustZip(spec: ExhaustFileSpec): ExhaustZipStream {
  const format = cellFormatter(spec.header, spec.idColumns);
  let rows = 0;
  let csvBytes = 0;

  async function* csvChunks(): AsyncGenerator<Buffer> {
    let pending = CSV_BOM + encodeRow(spec.header);
    for await (const row of spec.rows) {
      rows += 1;
      pending += encodeRow(format(row));
      if (pending.length >= CHUNK_CHARS) {
        const chunk = Buffer.from(pending, 'utf8');
        csvBytes += chunk.length;
        pending = '';
        yield chunk;
      }
    }
    const last = Buffer.from(pending, 'utf8');
    csvBytes += last.length;
    yield last;
  }

  const csv = Readable.from(csvChunks(), { objectMode: false, highWaterMark: 1 });
  const archive = createZipArchive(spec.password);
  const hash = createHash('sha256');
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  const zip = new PassThrough();

  const fail = (error: unknown) => {
    archive.abort();
    zip.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  const csvDone = new Promise<void>((resolve, reject) => {
    // archiver does not surface errors of the streams appended to it: watch the CSV side ourselves.
    csv.once('error', (error) => {
      fail(error);
      reject(error);
    });
    csv.once('end', resolve);
  });
  archive.on('warning', fail);
  archive.append(csv, { name: spec.entryName });
  void archive.finalize().catch(fail);

  const zipDone = pipeline(archive, measure, zip).catch((error: unknown) => {
    fail(error);
    throw error;
  });

  const stats = Promise.all([csvDone, zipDone]).then(() => ({ rows, csvBytes, bytes, sha256: hash.digest('hex') }));
  // The caller may only await the upload; keep a rejection here from going unhandled meanwhile.
  stats.catch(() => undefined);
  return { zip, stats };
}
