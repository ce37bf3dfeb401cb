import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { PROJECT_ROOT } from './paths.ts';

/**
 * The course dashboard's static files: the page, its stylesheet and one ES module bundled by the
 * project's esbuild. Built in memory; local mode serves them, the CDK stack uploads them.
 */
export function buildDashboard(): Map<string, { body: Buffer; contentType: string }> {
  const web = resolve(PROJECT_ROOT, 'web');
  const result = buildSync({
    entryPoints: [resolve(web, 'src/main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const script = result.outputFiles[0];
  if (!script) throw new Error('esbuild produced no dashboard bundle');
  return new Map([
    ['index.html', { body: readFileSync(resolve(web, 'index.html')), contentType: 'text/html; charset=utf-8' }],
    ['styles.css', { body: readFileSync(resolve(web, 'styles.css')), contentType: 'text/css; charset=utf-8' }],
    ['app.js', { body: Buffer.from(script.contents), contentType: 'text/javascript; charset=utf-8' }],
  ]);
}
