import * as THREE from 'three';
import { createDisplayRenderer } from './display-renderer.js';

/**
 * All attention layers side by side for one query: one canvas, one viewport per layer, each
 * drawing the main view's points (the same position buffer) with its own colour array, through
 * the main view's camera.
 *
 * @example
 * ```ts
 * const strip = new SmallMultiples(container);
 * const colours = strip.setCloud(view.positionAttribute!, 4, view.basePointSize); // one Uint8Array [3·N] per layer
 * strip.draw(view.camera, ['layer 1', 'layer 2', 'layer 3', 'layer 4']);
 * ```
 */
export class SmallMultiples {
  readonly canvas = document.createElement('canvas');
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly geometry = new THREE.BufferGeometry();
  private readonly material = new THREE.PointsMaterial({ vertexColors: true, sizeAttenuation: true });
  private readonly labels = document.createElement('div');
  private colors: THREE.BufferAttribute[] = [];
  /** Called when the GPU gives the strip its drawing context back (the app redraws it). */
  onRestored?: () => void;

  constructor(readonly container: HTMLElement) {
    this.canvas.setAttribute('aria-label', 'Every attention layer for the current query, side by side');
    this.labels.className = 'small-multiples-labels';
    container.replaceChildren(this.canvas, this.labels);
    this.renderer = createDisplayRenderer(this.canvas);
    this.renderer.setScissorTest(true);
    // three.js rebuilds its state after a lost context; the strip redraws on the next request.
    this.canvas.addEventListener('webglcontextrestored', () => this.onRestored?.());
    this.scene.add(new THREE.Points(this.geometry, this.material));
  }

  /** Uses the main view's positions and point size (world units); returns one colour array per layer to fill. */
  setCloud(positions: THREE.BufferAttribute, layers: number, pointSize: number): Uint8Array[] {
    this.geometry.setAttribute('position', positions);
    this.geometry.boundingSphere = null;
    this.colors = Array.from({ length: layers }, () => new THREE.BufferAttribute(new Uint8Array(positions.count * 3), 3, true));
    // Bigger than in the main view: the strip's views are small.
    this.material.size = pointSize * 1.5;
    return this.colors.map((c) => c.array as Uint8Array);
  }

  /** Tell the strip its colour arrays were rewritten. */
  colorsChanged(): void {
    for (const c of this.colors) c.needsUpdate = true;
  }

  /** Draws every layer's viewport through `camera` (after the caller rewrote the colour arrays). */
  draw(camera: THREE.PerspectiveCamera, titles: string[], background: THREE.Color | string = '#16181d'): void {
    const n = this.colors.length;
    const width = this.container.clientWidth;
    if (n === 0 || width === 0) return;
    const cell = Math.floor(width / n);
    const height = Math.round(cell * 0.75);
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.setSize(cell * n, height);
    this.scene.background = new THREE.Color(background);
    const view = camera.clone();
    view.aspect = cell / height;
    view.updateProjectionMatrix();
    this.colors.forEach((colour, i) => {
      this.geometry.setAttribute('color', colour);
      this.renderer.setViewport(i * cell, 0, cell, height);
      this.renderer.setScissor(i * cell, 0, cell, height);
      this.renderer.render(this.scene, view);
    });
    this.labels.replaceChildren(...titles.map((t) => Object.assign(document.createElement('span'), { textContent: t, style: `width:${cell}px` })));
  }
}
