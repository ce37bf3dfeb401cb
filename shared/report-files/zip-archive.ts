import archiver, { type Archiver } from 'archiver';
import zipEncrypted from 'archiver-zip-encrypted';
import type { ZipEncryption } from '../domain/zip-encryption.ts';

export interface ZipArchiveOptions {
  /** No password: a plain deflated ZIP. */
  password?: string | undefined;
  encryption?: ZipEncryption | undefined;
  /** Zip64 records even for a small file (tests use it to exercise the > 4 GiB code paths cheaply). */
  forceZip64?: boolean;
}

const ENCRYPTED_FORMAT = 'zip-encrypted';
/** Deflate level 5, the level the benchmark also gives 7-Zip (`-mx=5`) when comparing the two. */
const DEFLATE = { level: 5 };

/** archiver keeps formats in a process-wide registry that throws on a second registration. */
function ensureEncryptedFormat(): void {
  if (!archiver.isRegisteredFormat(ENCRYPTED_FORMAT)) {
    archiver.registerFormat(ENCRYPTED_FORMAT, zipEncrypted as unknown as Parameters<typeof archiver.registerFormat>[1]);
  }
}

/**
 * An archiver ZIP stream (archiver 7 + archiver-zip-encrypted): AES-256 by default when there is a
 * password, ZipCrypto on request, plain deflate without one.
 */
export function createZipArchive(options: ZipArchiveOptions): Archiver {
  const common = { zlib: DEFLATE, forceZip64: options.forceZip64 ?? false };
  if (options.password === undefined) return archiver('zip', common);
  ensureEncryptedFormat();
  return archiver.create(
    ENCRYPTED_FORMAT as archiver.Format,
    {
      ...common,
      password: options.password,
      // The library calls ZipCrypto by its APPNOTE name, "Zip 2.0" encryption.
      encryptionMethod: options.encryption === 'zipcrypto' ? 'zip20' : 'aes256',
    } as archiver.ArchiverOptions,
  );
}
