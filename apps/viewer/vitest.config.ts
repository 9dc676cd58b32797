import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Unit tests (src/) and end-to-end tests against the built site in Debian's Chromium (e2e/).
export default mergeConfig(shared, defineConfig({
  test: { include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'] },
}));
