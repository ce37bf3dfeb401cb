import { writeFileSync } from 'node:fs';
import { renderApiDescription } from '../functions/openapi/description.ts';
import { PROJECT_ROOT } from '../infra/paths.ts';

/** `npm run openapi`: writes docs/openapi.json from the schemas (a test fails while it is stale). */
const file = `${PROJECT_ROOT}/docs/openapi.json`;
writeFileSync(file, renderApiDescription());
console.log(`Wrote ${file}`);
