import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package's test-data folder. */
export const TEST_DATA = fileURLToPath(new URL('../../test-data/', import.meta.url));

/** Bytes of one file in test-data/. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(TEST_DATA + name));
}

/** Every data file in test-data/ (SOURCES.md excluded). */
export function fixtureNames(): string[] {
  return readdirSync(TEST_DATA).filter((f) => f !== 'SOURCES.md').sort();
}
