import { createHash } from 'node:crypto';
import type { ReportType } from './report-types.ts';

/**
 * Names built from ids — object keys, ZIP entry names, download file names — that every layer
 * holds whatever the ids contain: S3 (1,024-byte keys), s3rver and any file system (255 bytes per
 * path part), and a mentor's Windows, macOS or Linux when the ZIP is saved and extracted. Ids may
 * hold characters Windows refuses (`:` today), so names never carry an id raw:
 * - letters, digits, `_`, `-` and `.` stay; any other character becomes `~` and its UTF-8 bytes
 *   in hex (`a:b` → `a~3Ab`), so two ids never share a name;
 * - a leading or trailing `.` and a Windows device name (CON, NUL, COM1…) are escaped the same way;
 * - a part longer than {@link MAX_NAME_PART} keeps its first characters and ends in `~` and
 *   8 hex digits of the id's SHA-256, so long ids stay apart and every name stays short.
 */

/** Characters of one id kept in a name; with the fixed parts a file name stays under 200 bytes. */
export const MAX_NAME_PART = 80;

const KEPT = /^[A-Za-z0-9_.-]$/;
const WINDOWS_DEVICE = /^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\.|$)/i;

const escapeChar = (char: string) =>
  [...Buffer.from(char, 'utf8')].map((byte) => `~${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** One id as a part of a file name or object key: safe on every system, and at most {@link MAX_NAME_PART} characters. */
export function namePart(id: string): string {
  let part = '';
  for (const char of id) part += KEPT.test(char) ? char : escapeChar(char);
  if (part.startsWith('.') || WINDOWS_DEVICE.test(part)) part = `${escapeChar(part.charAt(0))}${part.slice(1)}`;
  if (part.endsWith('.')) part = `${part.slice(0, -1)}${escapeChar('.')}`;
  if (part.length <= MAX_NAME_PART) return part;
  const digest = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 8);
  return `${part.slice(0, MAX_NAME_PART - 9)}~${digest}`;
}

/** `{batchId}_{type}_{yyyymmdd}.zip`, as Sunbird names its files: the download's file name. */
export function downloadFileName(batchId: string, type: ReportType, at: Date): string {
  return `${namePart(batchId)}_${type}_${at.toISOString().slice(0, 10).replaceAll('-', '')}.zip`;
}

/** `{batchId}_{type}_{courseId}.csv`: the one file inside a batch's ZIP. */
export function zipEntryName(batchId: string, type: ReportType, courseId: string): string {
  return `${namePart(batchId)}_${type}_${namePart(courseId)}.csv`;
}

/**
 * An org export's base name: the requester's own (checked to be a safe name at request time), or
 * `{type}_{yyyymmdd}` of the request's day.
 */
export function exportBaseName(request: { type: ReportType; fileName?: string | undefined; createdAt: string }): string {
  return request.fileName ?? `${request.type}_${request.createdAt.slice(0, 10).replaceAll('-', '')}`;
}

interface KeyedRequest {
  org: string;
  id: string;
}

/** Where a batch's ZIP is stored: `reports/{org}/{requestId}/{type}_{courseId}_{batchId}.zip`. */
export function reportObjectKey(request: KeyedRequest & { type: ReportType; courseId: string }, batchId: string): string {
  return `reports/${namePart(request.org)}/${namePart(request.id)}/${request.type}_${namePart(request.courseId)}_${namePart(batchId)}.zip`;
}

/** Where a shard's CSV part waits for its batch's assembly (private, deleted after, expired by lifecycle). */
export function shardPartKey(request: KeyedRequest, batchId: string, shard: number): string {
  return `tmp/${namePart(request.org)}/${namePart(request.id)}/${namePart(batchId)}/${String(shard).padStart(2, '0')}.csv`;
}

/** Where an org export's one ZIP is stored: `reports/{org}/{requestId}/{type}.zip`. */
export function exportObjectKey(request: KeyedRequest & { type: ReportType }): string {
  return `reports/${namePart(request.org)}/${namePart(request.id)}/${request.type}.zip`;
}
