import { defineConfig } from 'vitest/config';

/** Four suites, each runnable alone (`npm run test:unit` …) and all together from `npm test`. */
export default defineConfig({
  test: {
    // Suites that bring up emulators or a whole local stack per file: two at once suits a 2-core machine.
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Generous: several engineers' suites share two cores here, and emulators under that load are slow.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          env: { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_TRACE_ENABLED: 'false' },
          // A whole local stack per file (synth + seeding): minutes on a shared, loaded machine.
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
