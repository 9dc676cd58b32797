import { describe, expect, it } from 'vitest';
import { colorizeValues } from './colorize.js';
import { COLORMAP_NAMES, colormapHex, colormapRGB, colormapStops, colormapTable, isColormapName } from './colormaps.js';

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

describe('colormaps', () => {
  // Published endpoints: matplotlib/d3 viridis and magma, Google's Turbo, Moreland's cool-warm.
  it.for([
    ['viridis', '#440154', '#fde725'],
    ['magma', '#000004', '#fcfdbf'],
    ['turbo', '#30123b', '#7a0403'],
    ['coolwarm', '#3b4cc0', '#b40426'],
    ['grey', '#000000', '#ffffff'],
  ] as const)('%s: 0 → %s, 1 → %s', ([name, first, last]) => {
    expect(colormapHex(name, 0)).toBe(first);
    expect(colormapHex(name, 1)).toBe(last);
    expect(colormapHex(name, -3)).toBe(first);
    expect(colormapHex(name, 7)).toBe(last);
    expect(colormapHex(name, Number.NaN)).toBe(first);
  });

  // Published interior values (the 256-entry tables at round(t·255)); the stops interpolate within 2/255.
  it.for([
    ['viridis', 0.25, '#3b528b'], ['viridis', 0.5, '#21918c'], ['viridis', 0.75, '#5cc863'],
    ['magma', 0.25, '#51127c'], ['magma', 0.5, '#b73779'], ['magma', 0.75, '#fb8761'],
    ['turbo', 0.25, '#28bceb'], ['turbo', 0.5, '#a4fc3c'], ['turbo', 0.75, '#fb8122'],
    ['coolwarm', 0.5, '#dddddd'], ['grey', 0.5, '#808080'],
  ] as const)('%s(%s) ≈ %s', ([name, t, hex]) => {
    const got = colormapRGB(name, t);
    rgb(hex).forEach((c, i) => expect(Math.abs(got[i]! - c)).toBeLessThanOrEqual(2));
  });

  it('stops are smooth (a mistyped hex digit would make a spike) and names are checked', () => {
    for (const name of COLORMAP_NAMES) {
      const s = colormapStops(name);
      for (let k = 1; k + 1 < s.length / 3; k++) {
        for (let c = 0; c < 3; c++) expect(Math.abs(2 * s[3 * k + c]! - s[3 * k - 3 + c]! - s[3 * k + 3 + c]!), `${name} stop ${k}`).toBeLessThanOrEqual(16);
      }
      const table = colormapTable(name, 256);
      expect(Array.from(table.subarray(0, 3))).toEqual(colormapRGB(name, 0));
      expect(Array.from(table.subarray(765))).toEqual(colormapRGB(name, 1));
    }
    expect(isColormapName('turbo')).toBe(true);
    expect(isColormapName('jet')).toBe(false);
    expect(() => colormapTable('viridis', 1)).toThrow(/size/);
  });
});

describe('colorizeValues', () => {
  it('maps min to the first colour and max to the last; a constant input to the middle', () => {
    const c = colorizeValues(new Float32Array([2, 4, 3]), 'viridis');
    expect(Array.from(c.subarray(0, 3))).toEqual(rgb('#440154'));
    expect(Array.from(c.subarray(3, 6))).toEqual(rgb('#fde725'));
    expect(Array.from(colorizeValues([5, 5], 'grey'))).toEqual([128, 128, 128, 128, 128, 128]);
    const fixed = colorizeValues([0.5], 'grey', { min: 0, max: 1 });
    expect(Array.from(fixed)).toEqual([128, 128, 128]);
    expect(Array.from(colorizeValues([Number.NaN, 0, 1], 'grey')).slice(0, 3)).toEqual([0, 0, 0]);
  });
});
