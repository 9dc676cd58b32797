import * as THREE from 'three';

// The viewer's colours are display bytes: the colormap LUT's sRGB values, the same ones the
// legend and histogram draw in 2-D. three.js would treat them as linear and brighten them on
// output (a LUT byte of 128 reached the screen as 188), so colour management is off and
// every colour, background included, reaches the screen as written.
THREE.ColorManagement.enabled = false;

/**
 * A WebGL renderer for the viewer's canvases: colours pass through unconverted, no MSAA (points
 * gain nothing from it, and on a software rasteriser it more than doubles the cost of a
 * million-point draw), and a preserved drawing buffer so screenshots and tests can read it.
 *
 * @example
 * ```ts
 * const renderer = createDisplayRenderer(canvas);
 * renderer.render(scene, camera);
 * ```
 */
export function createDisplayRenderer(canvas: HTMLCanvasElement): THREE.WebGLRenderer {
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true });
  renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
  renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
  return renderer;
}
