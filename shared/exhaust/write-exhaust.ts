import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Cell } from '../reports/report-definition.ts';
import { cellFormatter } from './cells.ts';
import { coalesce } from './coalesce.ts';
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
 * Streams rows → CSV (UTF-8 with BOM, CRLF, formula-safe) → ZIP (AES-256 with a password) with
 * back-pressure all the way: the row source is only pulled as fast as the consumer of `zip` reads.
 */
export function streamExhaustZip(spec: ExhaustFileSpec): ExhaustZipStream {
  const format = cellFormatter(spec.header, spec.idColumns);
  let rows = 0;
  const formatted = Readable.from(
    (async function* () {
      for await (const row of spec.rows) {
        rows += 1;
        yield format(row);
      }
    })(),
    { objectMode: true },
  );
  const csv = stringify({ bom: true, header: true, columns: spec.header, record_delimiter: 'windows' });
  const csvChunks = coalesce();

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

  const csvDone = pipeline(formatted, csv, csvChunks);
  // archiver does not surface errors of the streams appended to it: watch the CSV side ourselves.
  csvDone.catch(fail);
  archive.on('warning', fail);
  archive.append(csvChunks, { name: spec.entryName });
  void archive.finalize().catch(fail);

  const zipDone = pipeline(archive, measure, zip).catch((error: unknown) => {
    fail(error);
    throw error;
  });

  const stats = Promise.all([csvDone, zipDone]).then(() => ({ rows, bytes, sha256: hash.digest('hex') }));
  // The caller may only await the upload; keep a rejection here from going unhandled meanwhile.
  stats.catch(() => undefined);
  return { zip, stats };
}
