import { attentionCsv, attentionJson, coloredPly, downloadBlob, exportFileName } from '../export/export-files.js';
import { SHORTCUTS } from './keyboard.js';
import { perPointValues } from './paint.js';
import type { ViewerApp } from './viewer-app.js';

function button(id: string, text: string, onClick: () => Promise<void> | void): HTMLButtonElement {
  const b = Object.assign(document.createElement('button'), { id, type: 'button', textContent: text });
  b.addEventListener('click', () => void onClick());
  return b;
}

/**
 * The export panel (PNG at any resolution, the coloured cloud as PLY with the values as a scalar
 * field, the values as CSV / JSON) and the list of keyboard shortcuts.
 *
 * @example
 * ```ts
 * bindExports(app, document.getElementById('export')!, document.getElementById('keys')!);
 * ```
 */
export function bindExports(app: ViewerApp, container: HTMLElement, keys: HTMLElement): void {
  const width = Object.assign(document.createElement('input'), { type: 'number', min: '16', max: '16384', value: '1920', title: 'PNG width (px)' });
  const height = Object.assign(document.createElement('input'), { type: 'number', min: '16', max: '16384', value: '1080', title: 'PNG height (px)' });
  width.setAttribute('aria-label', 'PNG width in pixels');
  height.setAttribute('aria-label', 'PNG height in pixels');
  const name = (what: string, ext: string) => {
    const s = app.state;
    const where = s.mode === 'query' ? `layer${s.layer}_head${s.head}_query${s.query}` : s.mode === 'rollout' ? `rollout_query${s.query}` : s.mode === 'received' ? `received_layer${s.layer}` : s.mode;
    return exportFileName(s.sample, s.model, `${what}_${where}`, ext);
  };
  const meta = (): Record<string, string | number> => ({
    sample: app.state.sample, model: app.state.model, mode: app.state.mode, layer: app.state.layer, head: app.state.head,
    query: app.state.query, colormap: app.state.colormap, scale: app.state.scale, backend: app.run?.backend ?? app.state.backend,
    title: app.painted?.title ?? '',
  });
  const values = () => {
    if (!app.cloud || !app.painted) throw new Error('nothing is coloured yet');
    const v = perPointValues(app.painted);
    if (!v) throw new Error("the cloud shows its own colours: there are no values to export (colour it by attention first)");
    return { positions: app.cloud.positions, values: v, valueName: app.painted.kind === 'ramp' ? app.painted.valueName : 'part' };
  };
  const guarded = (title: string, f: () => Promise<void> | void) => async () => {
    try { await f(); } catch (e) { app.status.fail(title, e); }
  };
  container.replaceChildren(
    Object.assign(document.createElement('div'), { className: 'row' }),
    button('export-ply', 'PLY (coloured, values as scalar field)', guarded('PLY export', () => {
      const v = values();
      downloadBlob(new Blob([coloredPly({ ...v, colors: app.view.colorArray! }) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), name('colored', 'ply'));
    })),
    button('export-csv', 'CSV', guarded('CSV export', () => downloadBlob(new Blob([attentionCsv({ ...values(), meta: meta() })], { type: 'text/csv' }), name('values', 'csv')))),
    button('export-json', 'JSON', guarded('JSON export', () => downloadBlob(new Blob([attentionJson({ ...values(), meta: meta() })], { type: 'application/json' }), name('values', 'json')))),
  );
  const pngRow = container.firstElementChild as HTMLDivElement;
  pngRow.append(width, '×', height, button('export-png', 'PNG', guarded('PNG export', async () => {
    const w = Number(width.value), h = Number(height.value);
    if (!(w >= 16 && h >= 16 && w <= 16384 && h <= 16384)) throw new Error(`PNG size ${width.value}×${height.value}: expected 16–16384 pixels each way`);
    downloadBlob(await app.view.screenshot(Math.round(w), Math.round(h)), name('view', 'png'));
  })));
  const list = document.createElement('dl');
  list.className = 'keys';
  for (const [key, what] of SHORTCUTS) list.append(Object.assign(document.createElement('dt'), { textContent: key }), Object.assign(document.createElement('dd'), { textContent: what }));
  keys.replaceChildren(list);
}
