import { createCipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { crc32, createDeflateRaw } from 'node:zlib';
import { ExhaustFailedError } from '../domain/errors.ts';

/**
 * A streaming writer for a ZIP of one file, deflated, optionally encrypted with WinZip AES-256
 * (AE-2), built on Node's native zlib and crypto only.
 *
 * Why not archiver + archiver-zip-encrypted (the design's first choice, used until the benchmark):
 * that pair computes CRC-32 and AES in pure JavaScript (crc-32, aes-js), ~19% of the main thread of
 * an exhaust. Here deflate runs on libuv's thread pool, AES-CTR is native ECB over counter blocks,
 * and AE-2 needs no CRC at all. The format (APPNOTE 6.3.x, WinZip AE-2) is checked by opening every
 * file with 7-Zip in the integration and e2e tests.
 */

export interface ZipEntryOptions {
  /** File name inside the ZIP (UTF-8). */
  name: string;
  password?: string | undefined;
  /** Deflate level, 1–9. */
  level?: number;
  modified?: Date;
}

const SIG_LOCAL = 0x04034b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const METHOD_DEFLATE = 8;
const METHOD_AES = 99;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const MAX_32 = 0xffffffff;
const AES_SALT_BYTES = 16;
const AES_KEY_BYTES = 32;
const AES_AUTH_BYTES = 10;
const PBKDF2_ROUNDS = 1000;

/** The AES extra field (0x9901): AE-2, vendor "AE", AES-256, real method deflate. */
function aesExtraField(): Buffer {
  const extra = Buffer.alloc(11);
  extra.writeUInt16LE(0x9901, 0);
  extra.writeUInt16LE(7, 2);
  extra.writeUInt16LE(2, 4);
  extra.write('AE', 6, 'latin1');
  extra.writeUInt8(3, 8);
  extra.writeUInt16LE(METHOD_DEFLATE, 9);
  return extra;
}

function dosDateTime(date: Date): { time: number; date: number } {
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    date: ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/**
 * WinZip AES encrypts with AES-CTR whose 16-byte counter starts at 1 and counts little-endian,
 * then authenticates the ciphertext with HMAC-SHA1 (first 10 bytes kept).
 */
class WinZipAesEncryptor extends Transform {
  private readonly ecb;
  private readonly hmac;
  private counter = 1;
  private keystream = Buffer.alloc(0);

  constructor(aesKey: Buffer, hmacKey: Buffer) {
    super();
    this.ecb = createCipheriv('aes-256-ecb', aesKey, null).setAutoPadding(false);
    this.hmac = createHmac('sha1', hmacKey);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const missing = chunk.length - this.keystream.length;
    if (missing > 0) {
      const blocks = Math.ceil(missing / 16);
      const counters = Buffer.alloc(blocks * 16);
      for (let b = 0; b < blocks; b += 1) {
        counters.writeUInt32LE(this.counter % 0x100000000, b * 16);
        counters.writeUInt32LE(Math.floor(this.counter / 0x100000000), b * 16 + 4);
        this.counter += 1;
      }
      this.keystream = Buffer.concat([this.keystream, this.ecb.update(counters)]);
    }
    const out = Buffer.allocUnsafe(chunk.length);
    for (let i = 0; i < chunk.length; i += 1) out[i] = (chunk[i] as number) ^ (this.keystream[i] as number);
    this.keystream = this.keystream.subarray(chunk.length);
    this.hmac.update(out);
    callback(null, out);
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.hmac.digest().subarray(0, AES_AUTH_BYTES));
  }
}

/** Counts and checksums the uncompressed bytes on their way to deflate. */
class Measure extends Transform {
  size = 0;
  crc = 0;
  constructor(private readonly withCrc: boolean) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.withCrc) this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }
}

/** Streams `source` (the file's bytes) as a ZIP with that one file in it. */
export async function* zipSingleFile(source: Readable, options: ZipEntryOptions): AsyncGenerator<Buffer> {
  const encrypted = options.password !== undefined;
  const name = Buffer.from(options.name, 'utf8');
  const extra = encrypted ? aesExtraField() : Buffer.alloc(0);
  const flags = FLAG_DESCRIPTOR | FLAG_UTF8 | (encrypted ? FLAG_ENCRYPTED : 0);
  const method = encrypted ? METHOD_AES : METHOD_DEFLATE;
  const version = encrypted ? 51 : 20;
  const { time, date } = dosDateTime(options.modified ?? new Date());

  const local = Buffer.alloc(30);
  local.writeUInt32LE(SIG_LOCAL, 0);
  local.writeUInt16LE(version, 4);
  local.writeUInt16LE(flags, 6);
  local.writeUInt16LE(method, 8);
  local.writeUInt16LE(time, 10);
  local.writeUInt16LE(date, 12);
  // CRC and sizes follow in the data descriptor: they are known only at the end of the stream.
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(extra.length, 28);
  yield Buffer.concat([local, name, extra]);
  const dataStart = local.length + name.length + extra.length;

  const measure = new Measure(!encrypted);
  const deflate = createDeflateRaw({ level: options.level ?? 5, chunkSize: 64 * 1024 });
  let compressedSize = 0;
  const stages: (Readable | Transform)[] = [source, measure, deflate];
  if (encrypted) {
    const salt = randomBytes(AES_SALT_BYTES);
    const keys = pbkdf2Sync(options.password as string, salt, PBKDF2_ROUNDS, 2 * AES_KEY_BYTES + 2, 'sha1');
    const header = Buffer.concat([salt, keys.subarray(2 * AES_KEY_BYTES)]);
    compressedSize += header.length;
    yield header;
    stages.push(new WinZipAesEncryptor(keys.subarray(0, AES_KEY_BYTES), keys.subarray(AES_KEY_BYTES, 2 * AES_KEY_BYTES)));
  }
  // Errors of any stage destroy the last one, which ends the loop below with that error.
  const body = pipeline(stages as [Readable, ...Transform[]], () => undefined) as unknown as Readable;
  for await (const chunk of body) {
    compressedSize += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
  // 0xFFFFFFFF itself means "see Zip64" to readers, so it is already too large.
  if (measure.size >= MAX_32 || compressedSize >= MAX_32 || dataStart + compressedSize + 16 >= MAX_32) {
    throw new ExhaustFailedError('The report is larger than 4 GiB, more than a ZIP without Zip64 holds; split the batch');
  }

  // AE-2 stores no CRC: the HMAC authenticates the data instead.
  const crc = encrypted ? 0 : measure.crc >>> 0;
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(SIG_DESCRIPTOR, 0);
  descriptor.writeUInt32LE(crc, 4);
  descriptor.writeUInt32LE(compressedSize, 8);
  descriptor.writeUInt32LE(measure.size, 12);
  yield descriptor;

  const centralOffset = dataStart + compressedSize + descriptor.length;
  const central = Buffer.alloc(46);
  central.writeUInt32LE(SIG_CENTRAL, 0);
  central.writeUInt16LE((3 << 8) | 63, 4); // made by: Unix, APPNOTE 6.3
  central.writeUInt16LE(version, 6);
  central.writeUInt16LE(flags, 8);
  central.writeUInt16LE(method, 10);
  central.writeUInt16LE(time, 12);
  central.writeUInt16LE(date, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressedSize, 20);
  central.writeUInt32LE(measure.size, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt16LE(extra.length, 30);
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
  central.writeUInt32LE(0, 42); // the local header is at offset 0
  const centralRecord = Buffer.concat([central, name, extra]);

  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_END, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralRecord.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  yield Buffer.concat([centralRecord, end]);
}
