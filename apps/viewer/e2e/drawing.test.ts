import { describe, expect, it } from 'vitest';
import { openPage, waitForState, siteAndBrowser } from './harness.js';

// How the main view draws (src/render/index-image.ts): exact colours at the right pixels, eye-dome
// lighting, and which changes rasterise the points again.
const e2e = siteAndBrowser();

describe('the main view in Chromium', () => {
  it('puts each point\'s colour bytes on screen unchanged at its own pixels, shades depth steps only when asked, and redraws no point for a recolour; a moved view does', async () => {
    const { page, log } = await openPage(e2e.browser, `${e2e.site.url}?sample=cube&backend=wasm`);
    await waitForState(page, 'ready');
    const result = await page.evaluate(async () => {
      const heed = (globalThis as any).heed;
      const view = heed.view;
      const gl: WebGL2RenderingContext = view.renderer.getContext();
      const [W, H] = [gl.drawingBufferWidth, gl.drawingBufferHeight];
      const pointDraws: number[] = [];
      const drawArrays = gl.drawArrays.bind(gl);
      gl.drawArrays = (mode: number, first: number, count: number) => {
        if (mode === gl.POINTS) pointDraws.push(count);
        drawArrays(mode, first, count);
      };
      const read = () => {
        const px = new Uint8Array(4 * W * H);
        gl.readPixels(0, 0, W, H, gl.RGBA, gl.UNSIGNED_BYTE, px);
        return px;
      };
      const paintAll = async (colour: (i: number) => number[]) => {
        const colours: Uint8Array = view.colorArray;
        for (let i = 0; i < colours.length / 3; i++) colours.set(colour(i), 3 * i);
        view.colorsChanged();
        await view.nextFrame();
        return read();
      };
      const isBackground = (px: Uint8Array, o: number) => px[o] === 22 && px[o + 1] === 24 && px[o + 2] === 29;
      view.markQuery(undefined);
      view.setShading(false);
      // Stepped back, the cube sits inside the view with background all round (no clipping hides).
      view.camera.position.sub(view.controls.target).multiplyScalar(1.8).add(view.controls.target);
      view.controls.update();
      await view.nextFrame();
      pointDraws.length = 0;

      // Each point coloured by its own index: every covered pixel must name a point drawn there.
      const byIndex = await paintAll((i) => [i & 255, (i >> 8) & 255, 100 + ((i >> 16) & 255)]);
      const positions: Float32Array = heed.cloud.positions;
      const v = view.camera.position.clone();
      let covered = 0, misplaced = 0;
      for (let o = 0; o < byIndex.length; o += 4) {
        if (isBackground(byIndex, o)) continue;
        covered++;
        const i = byIndex[o]! | (byIndex[o + 1]! << 8) | ((byIndex[o + 2]! - 100) << 16);
        v.set(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]);
        const depth = -v.clone().applyMatrix4(view.camera.matrixWorldInverse).z;
        const halfSize = (view.basePointSize * (H / 2)) / depth / 2;
        v.project(view.camera);
        const [x, y] = [((v.x + 1) / 2) * W, ((v.y + 1) / 2) * H];
        const [px, py] = [(o / 4) % W + 0.5, Math.floor(o / 4 / W) + 0.5];
        if (!(i < positions.length / 3) || Math.abs(px - x) > halfSize + 1 || Math.abs(py - y) > halfSize + 1) misplaced++;
      }
      // And every point whose centre projects into the view has a point at that pixel (none clipped).
      let inView = 0, holes = 0;
      for (let i = 0; i < positions.length / 3; i++) {
        v.set(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]).project(view.camera);
        const [x, y] = [Math.floor(((v.x + 1) / 2) * W), Math.floor(((v.y + 1) / 2) * H)];
        if (x < 0 || y < 0 || x >= W || y >= H) continue;
        inView++;
        if (isBackground(byIndex, 4 * (y * W + x))) holes++;
      }
      const green = await paintAll(() => [10, 200, 60]);
      const colours = (px: Uint8Array) => [...new Set(Array.from({ length: px.length / 4 }, (_, k) => `${px[4 * k]},${px[4 * k + 1]},${px[4 * k + 2]}`))].sort();
      const drawsWhileRecolouring = [...pointDraws];

      // Eye-dome lighting: the same pixels, the colour kept or darkened in proportion, some darkened.
      view.setShading(true);
      await view.nextFrame();
      const shaded = read();
      let brighter = 0, darkened = 0, sameCoverage = true;
      for (let o = 0; o < shaded.length; o += 4) {
        if (isBackground(green, o) !== isBackground(shaded, o)) sameCoverage = false;
        if (isBackground(shaded, o)) continue;
        if (shaded[o + 1]! > 200 || Math.abs(shaded[o]! * 20 - shaded[o + 1]!) > 24) brighter++;
        if (shaded[o + 1]! < 190) darkened++;
      }
      const drawsForShading = pointDraws.slice(drawsWhileRecolouring.length);
      view.camera.position.multiplyScalar(1.3);
      view.controls.update();
      await view.nextFrame();
      return {
        count: heed.cloud.count, covered, misplaced, inView, holes, green: colours(green), brighter, darkened, sameCoverage,
        drawsWhileRecolouring, drawsForShading, drawsAfterMove: pointDraws.slice(drawsWhileRecolouring.length + drawsForShading.length),
      };
    });
    expect(result.covered).toBeGreaterThan(1000);
    expect(result.misplaced).toBe(0);
    expect(result.inView).toBe(result.count);
    expect(result.holes).toBeLessThanOrEqual(2); // 0 here; a clipped colour pass leaves whole strips
    // The background (#16181d) and the points' bytes, nothing brightened by a colour-space conversion.
    expect(result.green).toEqual(['10,200,60', '22,24,29']);
    expect(result.drawsWhileRecolouring).toEqual([]);
    expect(result.sameCoverage).toBe(true);
    expect(result.brighter).toBe(0);
    expect(result.darkened).toBeGreaterThan(50);
    expect(result.drawsAfterMove).toEqual([result.count]);
    expect(log.errors).toEqual([]);
    await page.close();
  });
});
