import archiver, { type Archiver } from 'archiver';
import zipEncrypted from 'archiver-zip-encrypted';

const ENCRYPTED_FORMAT = 'zip-encrypted';

/**
 * A ZIP archiver: AES-256 encrypted when a password is given (opens in 7-Zip, WinZip, macOS
 * Archive Utility with Keka, not in Info-ZIP `unzip`), plain deflate otherwise.
 */
export function createZipArchive(password?: string): Archiver {
  if (password === undefined) return archiver('zip', { zlib: { level: 5 } });
  if (!archiver.isRegisteredFormat(ENCRYPTED_FORMAT)) {
    archiver.registerFormat(ENCRYPTED_FORMAT, zipEncrypted as Parameters<typeof archiver.registerFormat>[1]);
  }
  return archiver.create(
    ENCRYPTED_FORMAT as archiver.Format,
    {
      zlib: { level: 5 },
      encryptionMethod: 'aes256',
      password,
    } as archiver.ArchiverOptions,
  );
}
