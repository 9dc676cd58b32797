import type { ModelRun, OnnxModelSummary } from '../protocol.js';

const element = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] =>
  Object.assign(document.createElement(tag), { ...(text !== undefined ? { textContent: text } : {}), ...(className ? { className } : {}) });

/**
 * The ONNX model panel: what a user's model takes and gives (as the file declares it, and each
 * output's shape in this run), which input the cloud goes into, which attention outputs are shown
 * on which points, and what could not be shown. Hides its section for other models.
 *
 * @example
 * ```ts
 * renderOnnxModel(document.getElementById('onnx-model')!, descriptor.onnx, run);
 * ```
 */
export function renderOnnxModel(container: HTMLElement, summary: OnnxModelSummary | undefined, run: ModelRun): void {
  const section = container.closest('section');
  if (section) section.hidden = !summary;
  if (!summary) {
    container.replaceChildren();
    return;
  }
  const ran = new Map(run.onnx?.outputs.map((o) => [o.name, o.dims]) ?? []);
  const list = (title: string, items: string[]) => {
    const ul = element('ul', undefined, 'onnx-list');
    ul.append(...items.map((i) => element('li', i)));
    return [element('h3', title), ul];
  };
  const shown = new Set(run.layers.map((l) => l.name));
  container.replaceChildren(
    element('p', `${summary.fileName}${summary.producer ? ` — ${summary.producer}` : ''}`),
    element('p', `cloud → ${summary.pointInput.name} (${summary.pointInput.layout === 'channels-first' ? '[batch, 3, points]' : '[batch, points, 3]'}), ${summary.points.fixed ? `its fixed ${summary.points.count} points` : `any point count: FPS to at most ${summary.points.count}`}, unit sphere`),
    ...list('Inputs', summary.inputs),
    ...list('Outputs', summary.outputs.map((o) => {
      const name = o.split(' ')[0]!;
      const dims = ran.get(name);
      return dims ? `${o} → [${dims.join(', ')}]` : o;
    })),
    ...list('Attention outputs', summary.attention.map((a) => `${a.name}${shown.has(a.name) ? '' : ' (not shown)'}: ${a.points ? `points from ${a.points}` : 'on the input points'}`)),
    ...(run.onnx?.notes.length ? list('Notes', run.onnx.notes) : []),
  );
}
