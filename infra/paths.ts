import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, from which handler entries and the lock file are resolved. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
