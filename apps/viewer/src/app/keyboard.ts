import { COLORMAP_NAMES } from '@heed/point-transformer';
import type { ViewerApp } from './viewer-app.js';

/** The shortcuts, as the Keys panel lists them. */
export const SHORTCUTS: readonly [string, string][] = [
  ['1 – 9', 'layer'],
  ['[ / ]', 'previous / next head'],
  [', / .', 'previous / next query point'],
  ['q r a p s', 'colour by query / rollout / received / parts / source'],
  ['c', 'next colormap'],
  ['l', 'linear / log scale'],
  ['0', 'reset the display range'],
  ['+ / −', 'point size'],
  ['m', 'all-layers strip on / off'],
  ['e', 'eye-dome lighting on / off'],
  ['o', 'open a file'],
  ['P', 'save a PNG'],
];

/**
 * Binds the viewer's keyboard shortcuts (ignored while typing in a form field).
 *
 * @example
 * ```ts
 * bindKeyboard(app);
 * ```
 */
export function bindKeyboard(app: ViewerApp): void {
  window.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName) || target.isContentEditable) return;
    if (document.getElementById('cloud-panel')!.hidden) return;
    const s = app.state;
    const layers = app.run?.layers.length ?? 1;
    const heads = app.run?.layers[s.layer - 1]?.heads ?? 1;
    const count = app.cloud?.count ?? 1;
    const modes: Record<string, typeof s.mode> = { q: 'query', r: 'rollout', a: 'received', p: 'parts', s: 'source' };
    let handled = true;
    if (/^[1-9]$/.test(e.key) && Number(e.key) <= layers) void app.update({ layer: Number(e.key) });
    else if (e.key === '[' || e.key === ']') void app.update({ head: (s.head + (e.key === ']' ? 1 : heads - 1)) % heads });
    else if (e.key === ',' || e.key === '.') void app.update({ query: (s.query + (e.key === '.' ? 1 : count - 1)) % count });
    else if (modes[e.key]) void app.update({ mode: modes[e.key]! });
    else if (e.key === 'c') void app.update({ colormap: COLORMAP_NAMES[(COLORMAP_NAMES.indexOf(s.colormap) + 1) % COLORMAP_NAMES.length]! });
    else if (e.key === 'l') void app.update({ scale: s.scale === 'linear' ? 'log' : 'linear' });
    else if (e.key === '0') void app.update({ range: undefined });
    else if (e.key === '+' || e.key === '=' || e.key === '-') {
      const size = app.controls.pointSize;
      size.value = String(Number(size.value) + (e.key === '-' ? -0.25 : 0.25));
      size.dispatchEvent(new Event('input'));
    } else if (e.key === 'm') {
      app.controls.smallMultiples.checked = !app.controls.smallMultiples.checked;
      app.controls.smallMultiples.dispatchEvent(new Event('change'));
    } else if (e.key === 'e') {
      app.controls.eyeDome.checked = !app.controls.eyeDome.checked;
      app.controls.eyeDome.dispatchEvent(new Event('change'));
    } else if (e.key === 'o') app.controls.openFile.click();
    else if (e.key === 'P') document.getElementById('export-png')?.click();
    else handled = false;
    if (handled) e.preventDefault();
  });
}
