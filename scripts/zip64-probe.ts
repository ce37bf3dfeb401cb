import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { ZipEncryption } from '#shared/domain/zip-encryption';
import { createZipArchive } from '#shared/report-files/zip-archive';
import { sevenZip } from '../infra/local/seven-zip.ts';
import { PROJECT_ROOT } from '../infra/paths.ts';

/**
 * A one-off experiment, not a test (it writes and reads back more than 4 GiB): does an entry of
 * more than 4 GiB, written by archiver + archiver-zip-encrypted the way the exhaust writer writes
 * it (streamed, size unknown up front, no forceZip64), open and verify in 7-Zip?
 *
 *   npx tsx scripts/zip64-probe.ts [--gib 4.5] [--encryption aes256|zipcrypto|none]
 *
 * It generates CSV-like rows (each one different, so deflate has real work), writes the ZIP under
 * .bench/, runs `7z t` (decrypts, inflates and checks the CRC of every byte) and `7z l -slt`, prints
 * what 7-Zip says, and deletes the file. Check free disk first (`df -h`): the ZIP is a few hundred MB.
 */
const { values } = parseArgs({
  options: { gib: { type: 'string', default: '4.5' }, encryption: { type: 'string', default: 'aes256' } },
});
const PASSWORD = 'Probe2026pw';
const target = Math.round(Number(values.gib) * 1024 ** 3);
const encryption = values.encryption as ZipEncryption | 'none';

async function* csvChunks(): AsyncGenerator<Buffer> {
  let written = 0;
  let row = 0;
  while (written < target) {
    const lines: string[] = [];
    for (let i = 0; i < 1500; i += 1, row += 1) {
      lines.push(
        `do_2138412345678901234,Probe Course,"=""0138412345678901234567""",Batch One,user-${row},Karnataka,District ${row % 31},Org,${row % 977},School ${row % 977},Block,Cluster,student,,CBSE,2026-01-01T00:00:00Z,,${row % 3 === 0 ? 'Issued' : ''},${row % 101},${row % 97}%\r\n`,
      );
    }
    const chunk = Buffer.from(lines.join(''), 'utf8');
    written += chunk.length;
    yield chunk;
  }
}

async function main() {
  const dir = resolve(PROJECT_ROOT, '.bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `zip64-probe-${encryption}.zip`);
  const started = Date.now();
  const archive = createZipArchive(encryption === 'none' ? {} : { password: PASSWORD, encryption });
  archive.append(Readable.from(csvChunks()), { name: 'probe.csv' });
  void archive.finalize();
  await pipeline(archive, createWriteStream(file));
  const written = (Date.now() - started) / 1000;
  console.log(
    `wrote ${file}: ${(statSync(file).size / 1024 ** 2).toFixed(0)} MB ZIP of ≥ ${values.gib} GiB CSV in ${written.toFixed(0)} s`,
  );
  try {
    const password = encryption === 'none' ? [] : [`-p${PASSWORD}`];
    const listing = await sevenZip(['l', '-slt', ...password, file]);
    console.log(
      listing.stdout
        .toString('utf8')
        .split('\n')
        .filter((line) => /^(Path|Size|Packed Size|Method|CRC|Characteristics|Encrypted|Type|Physical Size) =/.test(line))
        .join('\n'),
    );
    const test = await sevenZip(['t', ...password, file]);
    console.log(test.stdout.toString('utf8').trim().split('\n').slice(-6).join('\n'));
    console.log(`7-Zip verified the > 4 GiB entry (${encryption}) in ${((Date.now() - started) / 1000 - written).toFixed(0)} s`);
  } catch (error) {
    const failure = error as { stdout?: Buffer; stderr?: Buffer; message: string };
    console.log(`7-Zip REFUSED the file (${encryption}):`, failure.message);
    console.log(failure.stdout?.toString('utf8'), failure.stderr?.toString('utf8'));
    process.exitCode = 1;
  } finally {
    rmSync(file, { force: true });
  }
}

await main();
