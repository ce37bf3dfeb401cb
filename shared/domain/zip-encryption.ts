/**
 * ZIP encryption a requester may choose for a password-protected exhaust. AES-256 (WinZip AE) is
 * strong but needs 7-Zip, WinZip, Keka or The Unarchiver; ZipCrypto also opens in Windows Explorer
 * and Info-ZIP `unzip`, with no extra tool, but is cryptographically weak (known-plaintext attacks).
 */
export const ZipEncryptions = ['aes256', 'zipcrypto'] as const;
export type ZipEncryption = (typeof ZipEncryptions)[number];
export const DEFAULT_ZIP_ENCRYPTION: ZipEncryption = 'aes256';

/**
 * Largest CSV a ZipCrypto ZIP can hold. Past 4 GiB the entry needs Zip64, and archiver +
 * archiver-zip-encrypted then write a ZipCrypto entry 7-Zip refuses ("Wrong password"; measured
 * with scripts/zip64-probe.ts, see README). AES-256 has no such limit.
 */
export const ZIPCRYPTO_MAX_CSV_BYTES = 0xffffffff - 1;
