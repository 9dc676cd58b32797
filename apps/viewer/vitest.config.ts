import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Unit tests (src/) and end-to-end tests against the built site in Debian's Chromium (e2e/).
// End-to-end tests get more time: WebGPU there runs on a software adapter, and CI runs other
// packages' tests beside them on two cores.
export default mergeConfig(shared, defineConfig({
  test: { include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'], testTimeout: 300_000 },
}));
