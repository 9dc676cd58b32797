import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Resolve workspace packages to their TypeScript sources (see the exports maps).
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
