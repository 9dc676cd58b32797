import { defineConfig } from 'vitest/config';

/** The Vitest settings every Heed package shares; a package's vitest.config.ts re-exports this. */
export default defineConfig({
  // Resolve workspace packages to their TypeScript sources (see each package's exports map).
  resolve: { conditions: ['@heed/source'] },
  ssr: { resolve: { conditions: ['@heed/source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    // Dawn reads VK_ICD_FILENAMES from the process environment: forks, not threads.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
