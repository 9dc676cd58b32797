import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPly } from '@heed/pointcloud-io';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, APP_DIR, canvasColours, drawnColours, offSiteRequests, openPage, waitForState, siteAndBrowser } from './harness.js';
import { attentionRowAt, smallPctOnnx } from './onnx-fixtures.js';

const TEST_DATA = join(APP_DIR, '..', '..', 'packages', 'pointcloud-io', 'test-data');
const PCT_FIXTURES = join(APP_DIR, '..', '..', 'packages', 'point-transformer', 'test-data');
const e2e = siteAndBrowser();

/** Share of the 32×32 grid samples whose colour differs by more than a few levels. */
function differingShare(a: number[], b: number[]): number {
  let differing = 0;
  for (let i = 0; i < a.length; i += 3) {
    if (Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!) > 12) differing++;
  }
  return differing / (a.length / 3);
}

describe('the viewer in Chromium', () => {
  it('opens the bunny with the shipped PCT: two queries, two pictures, many colours, nothing off the machine', async () => {
    const pictures = [];
    for (const query of [0, 700]) {
      const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?query=${query}&layer=1`);
      await waitForState(page, 'ready');
      const colours = await drawnColours(page, log);
      await page.screenshot({ path: join(ARTIFACTS, `bunny-query${query}-layer1.png`) });
      expect(offSiteRequests(log, e2e.site.url)).toEqual([]);
      expect(log.errors).toEqual([]);
      expect(await page.evaluate(() => new URLSearchParams(location.search).get('query'))).toBe(String(query));
      pictures.push(colours.grid);
      await page.close();
    }
    expect(differingShare(pictures[0]!, pictures[1]!)).toBeGreaterThan(0.02);
  });

  it("backend=auto (the default) says which engine it picked and why: here Chromium's WebGPU adapter is SwiftShader, so onnxruntime on the CPU", async () => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?sample=cube`);
    await waitForState(page, 'ready');
    expect(await page.locator('#status .report').textContent()).toMatch(/^ort-wasm \(auto: fastest on this machine's CPU; WebGPU adapter is a software fallback\): onnxruntime-web wasm/);
    expect(await page.evaluate(() => new URLSearchParams(location.search).get('backend'))).toBeNull();
    expect(await page.locator('#controls [data-control="backend"]').inputValue()).toBe('auto');
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('the shipped PCT on ort-wasm (its ONNX export in onnxruntime-web) colours the cloud with the attention and class the tfjs-wasm path gives', async () => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?backend=ort-wasm&query=700`);
    await waitForState(page, 'ready');
    expect(await page.locator('#status .report').textContent()).toMatch(/^ort-wasm: onnxruntime-web wasm, SIMD, \d threads? · pct-classification: 64 layer points/);
    await drawnColours(page, log);
    await page.screenshot({ path: join(ARTIFACTS, 'bunny-ort-wasm.png') });
    const ort = await page.evaluate(attentionRowAt, { layer: 1, query: 700 });
    await page.evaluate(() => (globalThis as any).heed.update({ backend: 'wasm' }));
    await waitForState(page, 'ready');
    expect(await page.locator('#status .report').textContent()).toMatch(/^wasm: tfjs-wasm/);
    const tfjs = await page.evaluate(attentionRowAt, { layer: 1, query: 700 });
    expect(ort.backend).toBe('ort-wasm');
    expect(tfjs.backend).toBe('wasm');
    expect(ort.predicted).toBe(tfjs.predicted);
    expect(ort.queryPoint).toBe(tfjs.queryPoint);
    expect(ort.row.length).toBe(64);
    expect(Math.max(...ort.row.map((v, j) => Math.abs(v - tfjs.row[j]!)))).toBeLessThan(1e-4);
    expect(log.errors).toEqual([]);
    expect(offSiteRequests(log, e2e.site.url)).toEqual([]);
    await page.close();
  });

  it('restores every URL parameter, and a click on a point becomes the query in the URL', async () => {
    const search = '?sample=torus&model=spct-classification&layer=3&query=42&colormap=turbo&backend=wasm&mode=rollout&scale=linear';
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}${search}`);
    await waitForState(page, 'ready');
    const controls = await page.evaluate(() => Object.fromEntries(['sample', 'model', 'layer', 'query', 'colormap', 'backend', 'mode', 'scale']
      .map((k) => [k, (document.querySelector(`#controls [data-control="${k}"]`) as HTMLInputElement | null)?.value])));
    expect(controls).toEqual({ sample: 'torus', model: 'spct-classification', layer: '3', query: '42', colormap: 'turbo', backend: 'wasm', mode: 'rollout', scale: 'linear' });
    // SPCT's attention layers work on every one of the 128 points it takes.
    expect(await page.locator('#status .report').textContent()).toMatch(/spct-classification: 128 layer points/);
    expect(await page.evaluate(() => location.search)).toBe(search);
    // Click the middle of the canvas until a point is hit (the torus's hole may be there).
    const box = (await page.locator('#main-canvas').boundingBox())!;
    for (const [fx, fy] of [[0.5, 0.5], [0.35, 0.5], [0.65, 0.5], [0.5, 0.35], [0.5, 0.65]] as const) {
      await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
      await waitForState(page, 'ready');
      const query = await page.evaluate(() => new URLSearchParams(location.search).get('query'));
      if (query !== '42') break;
    }
    const after = new URLSearchParams(await page.evaluate(() => location.search));
    expect(after.get('query')).not.toBe('42');
    expect(after.get('sample')).toBe('torus');
    await page.screenshot({ path: join(ARTIFACTS, 'torus-rollout-clicked.png') });
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('shows a bad file in the error panel, keeps the picture, and recovers with a good file', async () => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?sample=mug&backend=wasm`);
    await waitForState(page, 'ready');
    const before = await canvasColours(page);
    await page.locator('#controls input[type=file][data-control="openFile"]').setInputFiles(join(TEST_DATA, 'pcdrs_corrupt_compressed.pcd'));
    await waitForState(page, 'error');
    const message = await page.locator('#error-message').textContent();
    expect(message).toMatch(/pcdrs_corrupt_compressed\.pcd/);
    await page.screenshot({ path: join(ARTIFACTS, 'bad-file-error-panel.png') });
    expect(differingShare(before.grid, (await canvasColours(page)).grid)).toBeLessThan(0.01);
    await page.locator('#error-dismiss').click();
    await page.locator('#controls input[type=file][data-control="openFile"]').setInputFiles(join(TEST_DATA, 'dolphins.ply'));
    await waitForState(page, 'ready');
    expect(await page.evaluate(() => new URLSearchParams(location.search).get('sample'))).toBe('dolphins.ply');
    await drawnColours(page, log);
    await page.screenshot({ path: join(ARTIFACTS, 'recovered-dolphins.png') });
    expect(log.errors.filter((e) => !/pcdrs_corrupt_compressed/.test(e))).toEqual([]);
    await page.close();
  });

  it.for(['wasm', 'webgpu'] as const)('reaches ready on backend=%s and says which backend ran (webgpu: the same numbers as wasm)', async (backend) => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?backend=${backend}&query=700`);
    await waitForState(page, 'ready');
    const status = await page.locator('#status .report').textContent();
    // WebGPU runs on Chromium's SwiftShader adapter here; a fallback would say "asked webgpu".
    expect(status).toMatch(new RegExp(`^${backend}: `));
    await drawnColours(page, log);
    await page.screenshot({ path: join(ARTIFACTS, `bunny-${backend}.png`) });
    if (backend === 'webgpu') {
      // Heed's fused kernels in Chromium's WebGPU (subgroups where the adapter has them) against
      // wasm on the same cloud: a kernel that failed to compile would otherwise go unseen.
      const runOnWorker = () => page.evaluate(async () => {
        const run = await (globalThis as any).heed.worker.run();
        return { backend: run.backend as string, probabilities: run.probabilities as number[], layerXyz: Array.from(run.layerXyz as Float32Array) };
      });
      const gpu = await runOnWorker();
      await page.evaluate(() => (globalThis as any).heed.update({ backend: 'wasm' }));
      await waitForState(page, 'ready');
      const wasm = await runOnWorker();
      expect([gpu.backend, wasm.backend]).toEqual(['webgpu', 'wasm']);
      // FPS on the GPU picks exactly the points the JS path picks; the forward agrees to float32 noise.
      expect(gpu.layerXyz).toEqual(wasm.layerXyz);
      gpu.probabilities.forEach((p, i) => expect(Math.abs(p - wasm.probabilities[i]!)).toBeLessThan(1e-4));
    }
    expect(log.errors).toEqual([]);
    expect(offSiteRequests(log, e2e.site.url)).toEqual([]);
    await page.close();
  });

  it('survives a lost GPU device: the worker reloads the model on a new device, gives the same numbers, and the page says so', async () => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?backend=webgpu&sample=cube`);
    await waitForState(page, 'ready');
    const probabilities = () => page.evaluate(async () => (await (globalThis as any).heed.worker.run()).probabilities as number[]);
    const before = await probabilities();
    // Destroys the worker's device as a driver reset would; @heed/webgpu replaces it.
    expect(await page.evaluate(() => (globalThis as any).heed.worker.simulateDeviceLoss())).toMatch(/^device replaced: now on webgpu/);
    await page.evaluate(() => (globalThis as any).heed.update({ sample: 'torus' }));
    await waitForState(page, 'ready');
    expect(await page.locator('#status .notice').allTextContents()).toContainEqual(
      expect.stringMatching(/^the GPU device was lost \(destroyed.*\); a new WebGPU device took its place; the model was reloaded$/),
    );
    expect(await page.locator('#status .report').textContent()).toMatch(/^webgpu: /);
    await drawnColours(page, log);
    await page.evaluate(() => (globalThis as any).heed.update({ sample: 'cube' }));
    await waitForState(page, 'ready');
    const after = await probabilities();
    expect(after.length).toBe(before.length);
    after.forEach((p, i) => expect(Math.abs(p - before[i]!)).toBeLessThan(1e-5));
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('vision tab: an image with its CBAM attention, a new one on click', async () => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?backend=wasm`);
    await waitForState(page, 'ready');
    await page.locator('#tab-vision').click();
    await page.waitForFunction(() => document.getElementById('vision-panel')!.dataset.visionSeed === '1', undefined, { timeout: 60_000 });
    await page.locator('#vision-panel canvas').click();
    await page.waitForFunction(() => document.getElementById('vision-panel')!.dataset.visionSeed === '2', undefined, { timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'vision-tab.png') });
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("runs a user's reference-port checkpoint written by PyTorch (.pth), exports the coloured cloud as PLY, and leaks no tensor in the worker", async () => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?sample=chair&backend=wasm`);
    await waitForState(page, 'ready');
    await page.locator('#controls input[type=file][data-control="openCheckpoint"]').setInputFiles(join(PCT_FIXTURES, 'pct_reference.pth'));
    await waitForState(page, 'ready');
    expect(await page.locator('#status .report').textContent()).toMatch(/file:pct_reference\.pth: 256 layer points/);
    expect(await page.evaluate(() => new URLSearchParams(location.search).get('model'))).toBe('file:pct_reference.pth');
    await page.screenshot({ path: join(ARTIFACTS, 'chair-reference-checkpoint.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-ply').click()]);
    expect(download.suggestedFilename()).toBe('chair_file_pct_reference.pth_colored_layer1_head0_query0.ply');
    const { cloud } = readPly(readFileSync((await download.path())!));
    expect(cloud.positions.length).toBe(3 * 4096);
    expect(cloud.colors!.length).toBe(3 * 4096);
    const values = cloud.fields!.attention!;
    expect(values.length).toBe(4096);
    expect(Math.max(...Array.from(values))).toBeGreaterThan(0);

    // Recolourings and re-runs keep the worker's tensor count flat.
    await page.evaluate(() => (globalThis as any).heed.update({ sample: 'mug' }));
    await waitForState(page, 'ready');
    const tensors = await page.evaluate(() => (globalThis as any).heed.worker.numTensors());
    for (const sample of ['chair', 'mug']) {
      await page.evaluate((s) => (globalThis as any).heed.update({ sample: s }), sample);
      await waitForState(page, 'ready');
    }
    for (const query of [5, 50, 500]) await page.evaluate((q) => (globalThis as any).heed.update({ query: q }), query);
    expect(await page.evaluate(() => (globalThis as any).heed.worker.numTensors())).toBe(tensors);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  // Both shipped segmenters: SPCT (attention over the input points) and PCT (neighbour embedding
  // first, every point kept as a centre, so its layers have 256 points too).
  it('lists every shipped PCT / SPCT / NPCT model as available, and runs the NPCT classifier: its query rows are softmax rows over all 128 points', async () => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?sample=torus&model=npct-classification&backend=wasm&query=5`);
    await waitForState(page, 'ready');
    const models = await page.locator('#controls [data-control="model"] option').evaluateAll((options) => options.map((o) => [(o as HTMLOptionElement).value, (o as HTMLOptionElement).disabled]));
    expect(models.filter(([, disabled]) => disabled)).toEqual([]);
    expect(models.map(([id]) => id)).toEqual(expect.arrayContaining(['pct-classification', 'spct-classification', 'npct-classification', 'pct-segmentation', 'spct-segmentation', 'npct-segmentation']));
    expect(await page.locator('#status .report').textContent()).toMatch(/npct-classification: 128 layer points/);
    await drawnColours(page, log);
    for (const layer of [1, 4]) {
      const { row } = await page.evaluate(attentionRowAt, { layer, query: 5 });
      expect(row.length).toBe(128);
      expect(Math.min(...row)).toBeGreaterThanOrEqual(0);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it.each(['spct-segmentation', 'pct-segmentation', 'npct-segmentation'])('colours a mug by the shipped part segmenter %s, then by its attention', async (model) => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?sample=mug&model=${model}&mode=parts&backend=wasm`);
    await waitForState(page, 'ready');
    expect(await page.locator('#legend').textContent()).toMatch(/predicted parts \(mug, given\).*mug\/body.*mug\/handle/s);
    expect(await page.locator('#prediction').textContent()).toMatch(/mug \(given\): parts body, handle/);
    await page.screenshot({ path: join(ARTIFACTS, `mug-parts-${model}.png`) });
    await page.evaluate(() => (globalThis as any).heed.update({ mode: 'query', query: 100, layer: 2 }));
    expect(await page.locator('#status .report').textContent()).toMatch(new RegExp(`${model}: 256 layer points`));
    await drawnColours(page, log);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('opens a LAZ file dropped on the view (laz-perf in the worker), saves a PNG at the size asked, and redraws after a lost GPU context', async () => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?sample=cube&backend=wasm`);
    await waitForState(page, 'ready');
    const bytes = readFileSync(join(TEST_DATA, 'simple.laz')).toString('base64');
    const drop = await page.evaluateHandle((b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], 'simple.laz'));
      return transfer;
    }, bytes);
    await page.dispatchEvent('#view', 'drop', { dataTransfer: drop });
    await page.waitForFunction(() => new URLSearchParams(location.search).get('sample') === 'simple.laz', undefined, { timeout: 120_000 });
    await waitForState(page, 'ready');
    await page.screenshot({ path: join(ARTIFACTS, 'simple-laz-dropped.png') });
    await drawnColours(page, log);

    await page.locator('#export input[aria-label="PNG width in pixels"]').fill('640');
    await page.locator('#export input[aria-label="PNG height in pixels"]').fill('360');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-png').click()]);
    const png = readFileSync((await download.path())!);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 360]);

    // The GPU process drops the context (as a loaded software renderer may): the picture comes back.
    await page.evaluate(async () => {
      const gl = (document.getElementById('main-canvas') as HTMLCanvasElement).getContext('webgl2')!;
      const lose = gl.getExtension('WEBGL_lose_context')!;
      lose.loseContext();
      await new Promise((resolve) => setTimeout(resolve, 100));
      lose.restoreContext();
    });
    await drawnColours(page, log);
    expect(await page.locator('#status').textContent()).toMatch(/dropped the drawing context/);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("opens a user's ONNX model (file picker, then drag and drop): its attention outputs in the picker, heads of 4-D ones, class names, the cloud coloured", async () => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?sample=torus&backend=wasm`);
    await waitForState(page, 'ready');
    await page.locator('#controls input[type=file][data-control="openOnnx"]').setInputFiles(await smallPctOnnx());
    await waitForState(page, 'ready');
    expect(await page.evaluate(() => new URLSearchParams(location.search).get('model'))).toBe('onnx:small-pct.onnx');
    const outputs = () => page.locator('#controls [data-control="layer"] option').allTextContents();
    expect(await outputs()).toEqual([1, 2, 3, 4].map((i) => `${i} (attention_${i})`));
    expect(await page.locator('#controls [data-control="layer"]').locator('xpath=..').locator('span').textContent()).toBe('Attention output');
    expect(await page.locator('#status .report').textContent()).toMatch(/^ort-wasm \(the ONNX model's engine; backend wasm: tfjs-wasm.*\) · onnx:small-pct\.onnx: 16 layer points/);
    expect(await page.locator('#onnx-model').textContent()).toMatch(/points float32 \[batch, 64, 3\].*logits float32 \[batch, 3\] → \[1, 3\].*attention_4 float32 \[batch, centres, centres\] → \[1, 16, 16\]/s);
    expect(await page.locator('#prediction').textContent()).toMatch(/(cube|torus|cone) \d/);
    const first = await drawnColours(page, log);
    await page.evaluate(() => (globalThis as any).heed.update({ layer: 3, query: 1234 }));
    expect(await page.locator('#legend').textContent()).toMatch(/attention from point 1234.*attention_3/s);
    expect(differingShare(first.grid, (await drawnColours(page, log)).grid)).toBeGreaterThan(0.01);
    await page.screenshot({ path: join(ARTIFACTS, 'torus-user-onnx.png') });

    // A PyTorch export (channels-first, a 2-head output), dropped on the view.
    const pytorch = join(APP_DIR, '..', '..', 'packages', 'onnx', 'test-data', 'user-point-attention.onnx');
    if (existsSync(pytorch)) {
      const bytes = readFileSync(pytorch).toString('base64');
      const drop = await page.evaluateHandle((b64) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'user-point-attention.onnx'));
        return transfer;
      }, bytes);
      await page.dispatchEvent('#view', 'drop', { dataTransfer: drop });
      await page.waitForFunction(() => new URLSearchParams(location.search).get('model') === 'onnx:user-point-attention.onnx', undefined, { timeout: 120_000 });
      await waitForState(page, 'ready');
      expect(await outputs()).toEqual(['1 (attention_sa1)', '2 (attention_sa2)', '3 (attention_heads, 2 heads)']);
      expect(await page.locator('#onnx-model').textContent()).toMatch(/cloud → points \(\[batch, 3, points\]\), any point count: FPS to at most 1024/);
      await page.evaluate(() => (globalThis as any).heed.update({ layer: 3, head: 1 }));
      expect(await page.locator('#controls [data-control="head"] option').allTextContents()).toEqual(['0', '1']);
      expect(await page.locator('#legend').textContent()).toMatch(/attention_heads head 1/);
      await drawnColours(page, log);
      await page.screenshot({ path: join(ARTIFACTS, 'torus-pytorch-onnx-head1.png') });
    }
    // Both stay in the model picker.
    expect(await page.locator('#controls [data-control="model"] option').allTextContents()).toEqual(expect.arrayContaining(['small-pct.onnx (ONNX) (64 pts)']));
    expect(log.errors).toEqual([]);
    expect(offSiteRequests(log, e2e.site.url)).toEqual([]);
    await page.close();
  });

  it('a corrupt .onnx shows its error, and the model before it stays current and usable', async () => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?sample=cube&model=spct-classification&backend=wasm`);
    await waitForState(page, 'ready');
    const before = await canvasColours(page);
    await page.locator('#controls input[type=file][data-control="openOnnx"]').setInputFiles({ name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a protobuf at all, just text') });
    await waitForState(page, 'error');
    expect(await page.locator('#error-message').textContent()).toMatch(/broken\.onnx: not an ONNX model/);
    expect(differingShare(before.grid, (await canvasColours(page)).grid)).toBeLessThan(0.01);
    await page.locator('#error-dismiss').click();
    expect(await page.evaluate(() => new URLSearchParams(location.search).get('model'))).toBe('spct-classification');
    await page.evaluate(() => (globalThis as any).heed.update({ sample: 'torus' }));
    await waitForState(page, 'ready');
    expect(await page.locator('#status .report').textContent()).toMatch(/spct-classification: 128 layer points/);
    await drawnColours(page, log);
    expect(log.errors.filter((e) => !/broken\.onnx/.test(e))).toEqual([]);
    await page.close();
  });
});
