import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER } from '../../infra/constructs/service-function.ts';
import { openZip } from '../support/local-service.ts';

const run = promisify(execFile);

/**
 * Builds the assemble handler as NodejsFunction does (ESM, node22, banner) and loads the bundle in a
 * plain `node` process, where `require` is not defined: the way Lambda loads it. Without the banner,
 * the first CommonJS dependency that requires a Node built-in crashes this load with "Dynamic
 * require of …": today the X-Ray SDK under Powertools Tracer (cls-hooked requiring `util`), and
 * archiver after it.
 */
describe('infra: bundled handlers', () => {
  /** esbuild with the options the house construct gives NodejsFunction (minified, names kept). */
  const bundle = async (banner: string | undefined, entry = 'functions/workflow/assemble-batch.ts') => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'index.mjs');
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      minify: true,
      keepNames: true,
      outfile,
      logLevel: 'silent',
      ...(banner ? { banner: { js: banner } } : {}),
    });
    return outfile;
  };
  const load = (file: string) =>
    run(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(file)}); console.log(typeof m.handler);`],
      {
        env: {
          PATH: process.env.PATH,
          REQUESTS_TABLE: 'requests',
          RECORDS_TABLE: 'records',
          REPORTS_BUCKET: 'bucket',
          PASSWORD_KEY_ID: 'alias/test',
          AWS_REGION: 'us-east-1',
        },
      },
    );

  it('loads with the banner the house construct adds', async () => {
    const { stdout } = await load(await bundle(ESM_REQUIRE_BANNER));
    expect(stdout.trim()).toBe('function');
  });

  it('keeps error class names through minification, since failure messages depend on them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { ExhaustFailedError } from '${process.cwd()}/shared/domain/errors.ts';\nexport const handler = () => new ExhaustFailedError('x').name;`,
    );
    const file = await bundle(ESM_REQUIRE_BANNER, entry);
    const { stdout } = await run(process.execPath, [
      '--input-type=module',
      '-e',
      `console.log((await import(${JSON.stringify(file)})).handler())`,
    ]);
    expect(stdout.trim()).toBe('ExhaustFailedError');
  });

  it('writes an encrypted ZIP from inside the bundle (archiver and its plugin are CommonJS), which 7-Zip opens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-in-bundle-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { streamExhaustZip } from '${process.cwd()}/shared/report-files/write-exhaust.ts';
export const handler = async () => {
  const { zip } = streamExhaustZip({ entryName: 'a.csv', header: ['A'], idColumns: new Set(), rowBatches: [[['bundled']]], password: 'Secret123' });
  const chunks = [];
  for await (const chunk of zip) chunks.push(chunk);
  return Buffer.concat(chunks).toString('base64');
};`,
    );
    const file = await bundle(ESM_REQUIRE_BANNER, entry);
    const { stdout } = await run(process.execPath, [
      '--input-type=module',
      '-e',
      `process.stdout.write(await (await import(${JSON.stringify(file)})).handler())`,
    ]);
    const opened = await openZip(Buffer.from(stdout, 'base64'), 'Secret123');
    expect(opened.method).toBe('AES-256 Deflate');
    expect(opened.text).toBe('\uFEFFA\r\nbundled\r\n');
  });

  it('loads the API description handler, which builds its document from the schemas at cold start', async () => {
    const { stdout } = await load(await bundle(ESM_REQUIRE_BANNER, 'functions/openapi/get-openapi.ts'));
    expect(stdout.trim()).toBe('function');
  });

  it('would crash without it (so the banner is what makes it work)', async () => {
    await expect(load(await bundle(undefined))).rejects.toThrow(/Dynamic require/);
  });
});
