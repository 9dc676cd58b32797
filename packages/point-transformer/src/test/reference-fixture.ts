/** Loads the PyTorch parity fixture written by tools/fixtures/pct_reference.py (tests only). */
import { readFileSync } from 'node:fs';

export interface ReferenceFixture {
  numClasses: number;
  points: { shape: [number, number, number]; data: number[] };
  logits: number[];
  fps: [number[], number[]];
  centresXyz: number[];
  queries: number[];
  attention: { name: string; columns: number[][] }[];
}

const dir = new URL('../../test-data/', import.meta.url);

export const CHECKPOINTS = ['pct_reference.pth', 'pct_reference.safetensors'] as const;

export function referenceFixture(): ReferenceFixture {
  return JSON.parse(readFileSync(new URL('pct_reference.json', dir), 'utf8')) as ReferenceFixture;
}

export function checkpointBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, dir)));
}
