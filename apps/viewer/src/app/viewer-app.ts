import * as Comlink from 'comlink';
import type { ColormapName } from '@heed/point-transformer';
import type { BackendReport, LoadedCloud, ModelDescriptor, ModelRun } from '../protocol.js';
import { SmallMultiples } from '../render/small-multiples.js';
import { PointScene } from '../render/point-scene.js';
import { DEFAULT_STATE, type ViewState, formatViewState, parseViewState } from '../state/url-state.js';
import { type Controls, buildControls, setOptions } from '../ui/controls.js';
import { RangeHistogram } from '../ui/histogram.js';
import { renderLayerStats } from '../ui/layer-stats-plot.js';
import { renderCategoryLegend, renderLegend } from '../ui/legend.js';
import { renderOnnxModel } from '../ui/onnx-model-panel.js';
import { PageStatus, readFileWithProgress } from '../ui/page-status.js';
import type { ViewerWorkerApi } from '../worker/viewer-worker.js';
import { bindExports } from './exports.js';
import { bindKeyboard } from './keyboard.js';
import { NotAvailableError, type Painted, paint } from './paint.js';
import { renderPrediction } from './prediction.js';
import { backendLine } from './status-line.js';

const CLOUD_EXTENSIONS = /\.(ply|pcd|xyz|txt|csv|pts|off|las|laz)$/i;
const CHECKPOINT_EXTENSIONS = /\.(safetensors|pth|t7|pt)$/i;
const ONNX_EXTENSIONS = /\.onnx$/i;
/** Clouds up to this many points show the all-layers strip by default. */
const STRIP_DEFAULT_LIMIT = 300_000;

/**
 * The viewer: URL state → worker (cloud, model, run) → colours → frame. Changes that need the
 * model again (sample, model, backend, category) go to the worker; everything else only recolours
 * from the run's host arrays. Stale results of superseded requests are dropped.
 *
 * @example
 * ```ts
 * await new ViewerApp().start();
 * ```
 */
export class ViewerApp {
  readonly status = new PageStatus();
  readonly view = new PointScene(document.getElementById('main-canvas') as HTMLCanvasElement);
  readonly controls: Controls = buildControls(document.getElementById('controls')!);
  readonly strip = new SmallMultiples(document.getElementById('small-multiples')!);
  readonly histogram = new RangeHistogram(document.getElementById('histogram')!, { onRangeChange: ({ min, max }) => this.update({ range: [min, max] }) });
  private readonly workerThread = new Worker(new URL('../worker/viewer-worker.ts', import.meta.url), { type: 'module' });
  readonly worker = Comlink.wrap<ViewerWorkerApi>(this.workerThread);
  state: ViewState;
  cloud?: LoadedCloud;
  run?: ModelRun;
  painted?: Painted;
  private colors: Uint8Array = new Uint8Array(0);
  private stripColors: Uint8Array[] = [];
  private backend?: BackendReport;
  private catalog: ModelDescriptor[] = [];
  private model?: ModelDescriptor;
  /** Whether the user has switched the layer strip on or off (else it follows the cloud's size). */
  private stripChosen = false;
  /** Bumped by every request that supersedes the ones in flight. */
  private generation = 0;
  /** Progress of the worker's long steps (ONNX export, session start, run) in the progress bar. */
  private readonly progressCallback = Comlink.proxy((stage: string) => this.status.progress(stage));

  constructor() {
    const { state, problems } = parseViewState(location.search);
    this.state = state;
    problems.forEach((p) => this.status.notice(p));
    this.view.onPick = (index) => this.update({ query: index, mode: this.state.mode === 'query' || this.state.mode === 'rollout' ? this.state.mode : 'query' });
    this.status.onDismiss = () => this.status.set(this.painted ? 'ready' : 'error');
    this.view.controls.addEventListener('change', () => this.drawStrip());
    this.strip.onRestored = () => this.drawStrip();
    this.view.canvas.addEventListener('webglcontextlost', () => this.status.notice('the GPU dropped the drawing context; the view redraws when it is back'));
    // An uncaught error in the worker (e.g. out of memory on a huge file) would leave calls
    // pending forever: say so instead of spinning.
    this.workerThread.addEventListener('error', (e) => this.status.fail('The inference worker stopped', new Error(`${e.message || 'unknown error'} — reload the page to start it again`)));
    this.bindControls();
    bindKeyboard(this);
    bindExports(this, document.getElementById('export')!, document.getElementById('keys')!);
  }

  /** Opens the URL's state: backend, catalogue, sample, model, first coloured frame. */
  async start(): Promise<void> {
    await this.guard('Starting the viewer', async () => {
      this.status.progress('starting the inference worker');
      setOptions(this.controls.sample, await this.worker.samples());
      await this.reload({ backend: true, cloud: true, model: true });
    });
  }

  /** Applies a change of state: reloads what it invalidates, recolours, and updates the URL. */
  async update(change: Partial<ViewState>, options: { category?: string } = {}): Promise<void> {
    const before = this.state;
    this.state = { ...before, ...change };
    if (change.mode || change.layer || change.head !== undefined || change.colormap || change.scale) {
      if (!('range' in change)) delete this.state.range;
    }
    history.replaceState(null, '', `${location.pathname}${formatViewState(this.state)}`);
    const backend = change.backend !== undefined && change.backend !== before.backend;
    const cloud = change.sample !== undefined && change.sample !== before.sample;
    const model = change.model !== undefined && change.model !== before.model;
    if (backend || cloud || model || options.category !== undefined) {
      await this.guard('Loading', () => this.reload({ backend, cloud, model, category: options.category }));
    } else {
      await this.guard('Colouring', () => this.recolor());
    }
  }

  /** Opens a dropped or picked file: a point cloud, a PCT checkpoint or an ONNX model. */
  async openFile(file: File): Promise<void> {
    await this.guard(`Opening ${file.name}`, async () => {
      const generation = ++this.generation;
      this.status.set('loading');
      const bytes = await readFileWithProgress(file, (f) => this.status.progress(`reading ${file.name}`, f));
      if (ONNX_EXTENSIONS.test(file.name)) {
        // The worker makes the model current only once it has run: a bad file loses nothing.
        const { descriptor, run } = await this.worker.openOnnx(Comlink.transfer(bytes, [bytes.buffer]), file.name, this.progressCallback);
        if (generation !== this.generation) return;
        this.model = descriptor;
        this.addCatalogEntry(descriptor);
        this.state = { ...this.state, model: descriptor.id, layer: 1, head: 0 };
        history.replaceState(null, '', `${location.pathname}${formatViewState(this.state)}`);
        this.run = run;
        this.afterRun();
        await this.recolor();
        return;
      }
      if (CHECKPOINT_EXTENSIONS.test(file.name)) {
        this.status.progress(`loading checkpoint ${file.name}`);
        this.model = await this.worker.useCheckpoint(Comlink.transfer(bytes, [bytes.buffer]), file.name);
        this.addCatalogEntry(this.model);
        this.state = { ...this.state, model: this.model.id };
      } else {
        if (!CLOUD_EXTENSIONS.test(file.name)) throw new Error(`${file.name}: not a point-cloud file (.ply, .pcd, .xyz, .txt, .off, .las, .laz), a checkpoint (.safetensors, .pth, .t7) nor an ONNX model (.onnx)`);
        this.status.progress(`parsing ${file.name}`);
        const cloud = await this.worker.openFile(Comlink.transfer(bytes, [bytes.buffer]), file.name);
        if (generation !== this.generation) return;
        this.showCloud(cloud);
        this.state = { ...this.state, sample: file.name, query: 0 };
        if (![...this.controls.sample.options].some((o) => o.value === file.name)) this.controls.sample.append(new Option(file.name, file.name));
      }
      history.replaceState(null, '', `${location.pathname}${formatViewState(this.state)}`);
      await this.runModel(generation);
    });
  }

  private async reload(what: { backend?: boolean; cloud?: boolean; model?: boolean; category?: string }): Promise<void> {
    const generation = ++this.generation;
    this.status.set('loading');
    if (what.backend || !this.backend) {
      this.status.progress(`starting the ${this.state.backend} backend`);
      this.backend = await this.worker.setBackend(this.state.backend);
      if (this.backend.fallbackReason) this.status.notice(`${this.state.backend} unavailable (${this.backend.fallbackReason}); running on ${this.backend.backend}`);
      // The user's checkpoints and ONNX models stay listed (the worker rebuilds them on the new backend).
      this.catalog = [...(await this.worker.catalog()), ...this.catalog.filter((m) => m.id.startsWith('file:') || m.id.startsWith('onnx:'))];
      this.fillModelPicker();
      what.model = true;
    }
    if (what.cloud || !this.cloud) {
      this.status.progress(`opening ${this.state.sample}`);
      let cloud: LoadedCloud;
      try {
        cloud = await this.worker.openSample(this.state.sample);
      } catch (e) {
        // A shared link may name a file only its author had: say so, and show the default sample.
        this.status.notice(`${(e as Error).message}; showing the bunny instead — open the file to see it`);
        this.state = { ...this.state, sample: 'bunny' };
        cloud = await this.worker.openSample('bunny');
      }
      if (generation !== this.generation) return;
      this.showCloud(cloud);
    }
    if (what.model || !this.model) {
      this.status.progress(`loading model ${this.state.model}`);
      try {
        this.model = await this.worker.useModel(this.state.model, this.progressCallback);
      } catch (e) {
        // A shared link may name a checkpoint only its author had, or a model not shipped here.
        if (this.state.model === DEFAULT_STATE.model) throw e;
        this.status.notice(`${(e as Error).message}; showing ${DEFAULT_STATE.model} instead — open the checkpoint to see it`);
        this.state = { ...this.state, model: DEFAULT_STATE.model };
        this.model = await this.worker.useModel(this.state.model, this.progressCallback);
      }
    }
    await this.runModel(generation, what.category);
  }

  private async runModel(generation: number, category?: string): Promise<void> {
    this.status.progress(`running ${this.model!.label}${this.model!.onnx ? '' : ` on ${this.backend!.backend}`}`);
    const run = await this.worker.run(category || undefined);
    if (generation !== this.generation) return;
    if (run.deviceLoss) {
      this.backend = (await this.worker.backendReport()) ?? this.backend;
      this.status.notice(run.deviceLoss);
    }
    this.run = run;
    this.afterRun();
    await this.recolor();
  }

  private showCloud(cloud: LoadedCloud): void {
    this.cloud = cloud;
    // The strip draws the cloud once per layer: for big clouds it is off until asked for.
    if (!this.stripChosen) this.controls.smallMultiples.checked = cloud.count <= STRIP_DEFAULT_LIMIT;
    this.run = undefined;
    this.colors = this.view.setCloud(cloud.positions);
    this.controls.query.max = String(cloud.count - 1);
    if (this.state.query >= cloud.count) {
      this.status.notice(`query ${this.state.query} is not a point of ${cloud.name} (${cloud.count} points); using 0`);
      this.state = { ...this.state, query: 0 };
    }
    cloud.warnings.forEach((w) => this.status.notice(w));
  }

  /** Pickers that depend on the run: layers, heads, category, prediction, per-layer statistics. */
  private afterRun(): void {
    const run = this.run!;
    const layers = run.layers.length;
    if (this.state.layer > layers) this.state = { ...this.state, layer: layers };
    // A user's ONNX model: the layer picker picks among its attention outputs.
    setOptions(this.controls.layer, run.layers.map((l, i) => [String(i + 1), `${i + 1} (${l.name}${l.heads > 1 ? `, ${l.heads} heads` : ''})`]));
    this.controls.layer.closest('label')!.querySelector('span')!.textContent = run.onnx ? 'Attention output' : 'Layer';
    this.syncHeads();
    this.controls.category.disabled = !run.category;
    renderPrediction(document.getElementById('prediction')!, run, this.controls.category);
    renderOnnxModel(document.getElementById('onnx-model')!, this.model?.onnx && this.model.id === run.modelId ? this.model.onnx : undefined, run);
    const m = Math.max(...run.layers.map((l) => (l.points?.xyz ?? run.layerXyz).length / 3));
    renderLayerStats(document.getElementById('layer-stats')!, {
      layers: run.layers.map((l) => ({ name: l.name, meanDistance: l.meanDistance[this.state.head] ?? l.meanDistance[0]!, entropy: l.entropy[this.state.head] ?? l.entropy[0]! })),
      current: this.state.layer, maxEntropy: Math.log(m), onPickLayer: (layer) => this.update({ layer }),
    });
    this.stripColors = this.strip.setCloud(this.view.positionAttribute!, layers, this.view.basePointSize * Number(this.controls.pointSize.value));
    const t = run.timings;
    this.status.report([
      backendLine(this.backend!, run),
      `${run.modelId}: ${m} layer points${run.fpsOver < this.cloud!.count ? ` (FPS over a random ${run.fpsOver}-point subset of the ${this.cloud!.count})` : ''}`,
      `prepare ${t.prepareMs.toFixed(0)} ms, forward ${t.forwardMs.toFixed(0)} ms, attention ${t.attentionMs.toFixed(0)} ms, nearest ${t.nearestMs.toFixed(0)} ms`,
    ]);
  }

  /** Recolours the cloud from the run's host arrays and resolves once the frame is drawn. */
  async recolor(): Promise<void> {
    const cloud = this.cloud;
    if (!cloud) return;
    this.syncHeads();
    this.syncControls();
    let painted: Painted;
    try {
      painted = paint(this.run, cloud, this.state, this.colors);
    } catch (e) {
      if (!(e instanceof NotAvailableError)) throw e;
      this.status.notice(`${e.message}; showing attention from the query instead`);
      this.state = { ...this.state, mode: 'query' };
      painted = paint(this.run, cloud, this.state, this.colors);
    }
    this.painted = painted;
    this.view.colorsChanged();
    const query = this.state.query;
    const p = cloud.positions;
    this.view.markQuery(painted.kind === 'ramp' && (this.state.mode === 'query' || this.state.mode === 'rollout') ? [p[3 * query]!, p[3 * query + 1]!, p[3 * query + 2]!] : undefined);
    const legend = document.getElementById('legend')!;
    // The display-range histogram only means something for a value ramp.
    document.getElementById('histogram')!.closest('section')!.hidden = painted.kind !== 'ramp';
    if (painted.kind === 'ramp') {
      renderLegend(legend, { title: painted.title, range: painted.range, colormap: painted.colormap });
      this.histogram.update(painted.values, painted.data, painted.range, painted.colormap);
    } else if (painted.kind === 'categories') {
      renderCategoryLegend(legend, { title: painted.title, labels: painted.labels, present: painted.present });
    } else legend.replaceChildren(Object.assign(document.createElement('div'), { textContent: painted.title }));
    await this.view.nextFrame();
    this.status.done();
    if (!this.status.errorShown) this.status.set('ready');
    // The strip recolours after the main frame: a click's feedback comes first.
    setTimeout(() => this.drawStrip(true), 0);
  }

  private drawStrip(recolor = false): void {
    const run = this.run, cloud = this.cloud;
    const container = this.strip.container;
    container.hidden = !this.controls.smallMultiples.checked || !run;
    if (container.hidden || !run || !cloud || this.stripColors.length === 0) return;
    if (recolor) {
      // A layer with fewer heads than the current one (an ONNX model's outputs differ) shows its head 0.
      run.layers.forEach((l, i) => paint(run, cloud, { ...this.state, mode: this.state.mode === 'received' ? 'received' : 'query', layer: i + 1, head: this.state.head < l.heads ? this.state.head : 0, range: undefined }, this.stripColors[i]!));
      this.strip.colorsChanged();
    }
    this.strip.draw(this.view.camera, run.layers.map((l, i) => `${run.onnx ? l.name : `layer ${i + 1}`}${i + 1 === this.state.layer ? ' ●' : ''}`), this.controls.background.value);
  }

  /** The head picker lists the current layer's heads; a head the layer lacks becomes 0. */
  private syncHeads(): void {
    const heads = this.run?.layers[this.state.layer - 1]?.heads ?? 1;
    if (this.state.head >= heads) this.state = { ...this.state, head: 0 };
    if (this.controls.head.options.length !== heads) setOptions(this.controls.head, Array.from({ length: heads }, (_, h) => String(h)));
  }

  private fillModelPicker(): void {
    const unavailable = new Set(this.catalog.filter((m) => !m.available).map((m) => m.id));
    setOptions(this.controls.model, this.catalog.map((m) => [m.id, `${m.label}${m.available ? ` (${m.points} pts)` : ' — not shipped'}`]), unavailable);
  }

  private addCatalogEntry(model: ModelDescriptor): void {
    this.catalog = [...this.catalog.filter((m) => m.id !== model.id), model];
    this.fillModelPicker();
  }

  /** Puts the state into the controls (after URL parsing, keys and clicks). */
  private syncControls(): void {
    const c = this.controls;
    c.sample.value = this.state.sample;
    c.model.value = this.state.model;
    c.backend.value = this.state.backend;
    c.mode.value = this.state.mode;
    c.layer.value = String(this.state.layer);
    c.head.value = String(this.state.head);
    c.query.value = String(this.state.query);
    c.colormap.value = this.state.colormap;
    c.scale.value = this.state.scale;
  }

  private bindControls(): void {
    const c = this.controls;
    const on = (el: HTMLElement, f: () => void) => el.addEventListener('change', f);
    on(c.sample, () => this.update({ sample: c.sample.value, query: 0 }));
    on(c.model, () => this.update({ model: c.model.value }));
    on(c.backend, () => this.update({ backend: c.backend.value as ViewState['backend'] }));
    on(c.category, () => this.update({}, { category: c.category.value }));
    on(c.mode, () => this.update({ mode: c.mode.value as ViewState['mode'] }));
    on(c.layer, () => this.update({ layer: Number(c.layer.value) }));
    on(c.head, () => this.update({ head: Number(c.head.value) }));
    on(c.query, () => this.update({ query: Math.max(0, Math.min(Number(c.query.value) | 0, (this.cloud?.count ?? 1) - 1)) }));
    on(c.colormap, () => this.update({ colormap: c.colormap.value as ColormapName }));
    on(c.scale, () => this.update({ scale: c.scale.value as ViewState['scale'] }));
    c.pointSize.addEventListener('input', () => this.view.setPointSize(Number(c.pointSize.value)));
    c.background.addEventListener('input', () => { this.view.setBackground(c.background.value); this.drawStrip(); });
    c.eyeDome.addEventListener('change', () => this.view.setShading(c.eyeDome.checked));
    on(c.smallMultiples, () => { this.stripChosen = true; this.drawStrip(true); });
    on(c.openFile, () => { const f = c.openFile.files?.[0]; if (f) void this.openFile(f); c.openFile.value = ''; });
    on(c.openCheckpoint, () => { const f = c.openCheckpoint.files?.[0]; if (f) void this.openFile(f); c.openCheckpoint.value = ''; });
    on(c.openOnnx, () => { const f = c.openOnnx.files?.[0]; if (f) void this.openFile(f); c.openOnnx.value = ''; });
    const view = document.getElementById('view')!;
    const hint = document.getElementById('drop-hint')!;
    view.addEventListener('dragover', (e) => { e.preventDefault(); hint.hidden = false; });
    view.addEventListener('dragleave', () => { hint.hidden = true; });
    view.addEventListener('drop', (e) => {
      e.preventDefault();
      hint.hidden = true;
      const f = e.dataTransfer?.files[0];
      if (f) void this.openFile(f);
    });
  }

  /** Runs a step; a failure shows the error panel and leaves the last good picture in place. */
  private async guard(title: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (e) {
      this.status.fail(title, e);
      // A cloud whose model run failed is still shown, grey.
      this.view.colorsChanged();
    }
  }
}
