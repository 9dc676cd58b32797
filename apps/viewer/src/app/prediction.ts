import { PART_CATEGORIES } from '@heed/point-transformer';
import type { ModelRun } from '../protocol.js';
import { setOptions } from '../ui/controls.js';

/**
 * The prediction panel: a classifier's five likeliest classes with bars, or a part segmenter's
 * category (given or chosen) — and the category picker's options.
 *
 * @example
 * ```ts
 * renderPrediction(document.getElementById('prediction')!, run, controls.category);
 * ```
 */
export function renderPrediction(container: HTMLElement, run: ModelRun, categoryPicker: HTMLSelectElement): void {
  setOptions(categoryPicker, [['', 'auto (surest)'], ...PART_CATEGORIES.map((c) => c.name)]);
  if (run.category) {
    categoryPicker.value = run.category.chosen === 'given' ? run.category.name : '';
    const parts = PART_CATEGORIES.find((c) => c.name === run.category!.name)!.parts;
    container.replaceChildren(Object.assign(document.createElement('p'), {
      textContent: `${run.category.name} (${run.category.chosen === 'auto' ? 'the category the model is surest of' : 'given'}): parts ${parts.join(', ')}`,
    }));
    return;
  }
  if (!run.probabilities) {
    container.replaceChildren(Object.assign(document.createElement('p'), { textContent: 'no class scores (the model has no logits output [batch, classes])' }));
    return;
  }
  const probabilities = run.probabilities;
  const top = probabilities.map((p, i) => ({ p, name: run.labels[i] ?? `class ${i}` })).sort((a, b) => b.p - a.p).slice(0, 5);
  const list = document.createElement('ol');
  list.className = 'prediction';
  for (const { p, name } of top) {
    const item = document.createElement('li');
    const bar = Object.assign(document.createElement('span'), { className: 'bar' });
    bar.style.width = `${(100 * p).toFixed(1)}%`;
    item.append(Object.assign(document.createElement('span'), { className: 'name', textContent: `${name} ${(100 * p).toFixed(1)} %` }), bar);
    list.append(item);
  }
  container.replaceChildren(list);
}
