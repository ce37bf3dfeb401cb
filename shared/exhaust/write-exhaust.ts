import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Cell } from '../reports/report-definition.ts';
import { neutraliseFormula, RowEncoder } from './cells.ts';
import { ChunkPacker } from './chunk-packer.ts';
import { CSV_BOM, encodeRow } from './csv-encoding.ts';
import { zipSingleFile } from './zip-writer.ts';

export type RowBatches = AsyncIterable<Cell[][]> | Iterable<Cell[][]>;

export interface ExhaustFileSpec {
  /** Name of the CSV inside the ZIP. */
  entryName: string;
  header: string[];
  idColumns: ReadonlySet<string>;
  /** Rows in batches (a page of learners' rows each), so the hot loop stays synchronous. */
  rowBatches: RowBatches;
  password?: string | undefined;
}

export interface CsvStats {
  rows: number;
  /** Bytes of CSV before compression. */
  csvBytes: number;
}

export interface ExhaustFileStats extends CsvStats {
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

/** The BOM and the header line; headers are course content too (module names), so formula-safe. */
function headerLine(header: readonly string[]): string {
  return CSV_BOM + encodeRow(header.map(neutraliseFormula));
}

/** Encodes row batches as CSV lines in ~128 KiB chunks, counting as it goes. */
async function* csvChunks(rowBatches: RowBatches, encoder: RowEncoder, counts: CsvStats, prefix: string) {
  const packer = new ChunkPacker();
  packer.add(prefix);
  for await (const batch of rowBatches) {
    for (let r = 0; r < batch.length; r += 1) {
      const full = packer.add(encoder.encode(batch[r] as Cell[]));
      if (full !== undefined) {
        counts.csvBytes += full.length;
        yield full;
      }
    }
    counts.rows += batch.length;
  }
  const last = packer.rest();
  if (last !== undefined) {
    counts.csvBytes += last.length;
    yield last;
  }
}

function settled(stream: Readable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    stream.once('end', resolve);
    stream.once('error', reject);
    stream.once('close', () => {
      if (!stream.readableEnded) reject(new Error('The stream was closed before it ended'));
    });
  });
}

/** Zips a CSV byte stream, measuring the ZIP (bytes, sha256) on its way out. */
function zipMeasured(csv: Readable, entryName: string, password: string | undefined, counts: CsvStats): ExhaustZipStream {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* measured(): AsyncGenerator<Buffer> {
    for await (const chunk of zipSingleFile(csv, { name: entryName, password })) {
      hash.update(chunk);
      bytes += chunk.length;
      yield chunk;
    }
  }
  const zip = Readable.from(measured(), { objectMode: false, highWaterMark: 1 });
  const stats = settled(zip).then(() => ({ ...counts, bytes, sha256: hash.digest('hex') }));
  // The caller may only await the upload; keep a rejection here from going unhandled meanwhile.
  stats.catch(() => undefined);
  return { zip, stats };
}

/**
 * Streams rows → CSV (UTF-8 with BOM, CRLF, formula-safe) → ZIP (AES-256 with a password) with
 * back-pressure all the way: rows are pulled from the source only as fast as `zip` is read, and only
 * a chunk or two of CSV is held at a time. Any failure (the row source, deflate, the consumer)
 * destroys `zip` and rejects `stats`.
 */
export function streamExhaustZip(spec: ExhaustFileSpec): ExhaustZipStream {
  const counts: CsvStats = { rows: 0, csvBytes: 0 };
  const encoder = new RowEncoder(spec.header, spec.idColumns);
  const csv = Readable.from(csvChunks(spec.rowBatches, encoder, counts, headerLine(spec.header)), {
    objectMode: false,
    highWaterMark: 1,
  });
  return zipMeasured(csv, spec.entryName, spec.password, counts);
}

/**
 * One shard of a batch's CSV: its rows only, no BOM, no header. Shards written in bucket order and
 * then zipped together by `zipCsvParts` give exactly the file `streamExhaustZip` gives.
 */
export function streamCsvPart(spec: Omit<ExhaustFileSpec, 'entryName' | 'password'>): {
  csv: Readable;
  stats: Promise<CsvStats>;
} {
  const counts: CsvStats = { rows: 0, csvBytes: 0 };
  const csv = Readable.from(csvChunks(spec.rowBatches, new RowEncoder(spec.header, spec.idColumns), counts, ''), {
    objectMode: false,
    highWaterMark: 1,
  });
  const stats = settled(csv).then(() => counts);
  stats.catch(() => undefined);
  return { csv, stats };
}

/** Zips the header and then the shards' CSV parts, in order, into one file. */
export function zipCsvParts(spec: {
  entryName: string;
  header: string[];
  parts: AsyncIterable<Buffer>;
  rows: number;
  password?: string | undefined;
}): ExhaustZipStream {
  const counts: CsvStats = { rows: spec.rows, csvBytes: 0 };
  async function* withHeader(): AsyncGenerator<Buffer> {
    const head = Buffer.from(headerLine(spec.header), 'utf8');
    counts.csvBytes += head.length;
    yield head;
    for await (const chunk of spec.parts) {
      counts.csvBytes += chunk.length;
      yield chunk;
    }
  }
  const csv = Readable.from(withHeader(), { objectMode: false, highWaterMark: 1 });
  return zipMeasured(csv, spec.entryName, spec.password, counts);
}
