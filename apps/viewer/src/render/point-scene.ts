import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { pickOnRay } from '../math/ray-pick.js';
import { createDisplayRenderer } from './display-renderer.js';
import { IndexImage } from './index-image.js';

/** Pixels around the cursor within which a click picks a point. */
const PICK_RADIUS_PX = 6;

/**
 * The main 3-D view: a point cloud with an RGB byte colour array the app rewrites in place, orbit
 * controls, a query marker, zoom-aware picking and screenshots at any resolution. Renders on
 * demand (after a change), not in a loop, through an {@link IndexImage}: a recolour redraws no
 * points, only a moved view does.
 *
 * @example
 * ```ts
 * const view = new PointScene(canvas);
 * const colors = view.setCloud(positions); // Uint8Array [3·N], shown as is
 * colors.fill(255); view.colorsChanged();
 * view.onPick = (index) => console.log('clicked point', index);
 * ```
 */
export class PointScene {
  readonly renderer: THREE.WebGLRenderer;
  readonly camera = new THREE.PerspectiveCamera(45, 1, 0.001, 1000);
  readonly controls: OrbitControls;
  /** Drawn over the points: the query marker. */
  readonly overlay = new THREE.Scene();
  /** Called with the input-cloud index of a clicked point. */
  onPick?: (index: number) => void;
  /** Called after each drawn frame. */
  onFrame?: () => void;
  private geometry?: THREE.BufferGeometry;
  private colors?: Uint8Array;
  /** False from a new cloud until its first colouring: no grey frame is drawn first. */
  private shown = false;
  private readonly image: IndexImage;
  private background = new THREE.Color('#16181d');
  private readonly marker: THREE.Mesh<THREE.SphereGeometry, THREE.MeshBasicMaterial>;
  private readonly raycaster = new THREE.Raycaster();
  private radius = 1;
  private count = 1;
  private pointSize = 1;
  private frameRequested = false;
  private readonly frameWaiters: (() => void)[] = [];

  constructor(readonly canvas: HTMLCanvasElement) {
    this.renderer = createDisplayRenderer(canvas);
    this.image = new IndexImage(this.renderer);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.addEventListener('change', () => this.requestFrame());
    this.marker = new THREE.Mesh(new THREE.SphereGeometry(1, 16, 12), new THREE.MeshBasicMaterial({ color: '#ff2d55', depthTest: false, transparent: true, opacity: 0.9 }));
    this.marker.renderOrder = 1;
    this.marker.visible = false;
    this.overlay.add(this.marker);
    new ResizeObserver(() => this.resize()).observe(canvas);
    // A busy or software GPU process may drop the context; three.js rebuilds its state on restore
    // (the index image comes back empty), but nothing redraws on demand unless asked.
    canvas.addEventListener('webglcontextrestored', () => {
      this.image.invalidate();
      this.requestFrame();
    });
    this.listenForClicks();
    this.resize();
  }

  /** Takes a new cloud (flat xyz), frames it, and returns its colour array (RGB bytes, grey); shown from the next {@link colorsChanged}. */
  setCloud(positions: Float32Array): Uint8Array {
    this.geometry?.dispose();
    const geometry = (this.geometry = new THREE.BufferGeometry());
    geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
    const colors = (this.colors = new Uint8Array(positions.length).fill(160));
    geometry.computeBoundingSphere();
    const sphere = geometry.boundingSphere!;
    this.radius = sphere.radius || 1;
    this.count = Math.max(1, positions.length / 3);
    this.image.setGeometry(geometry);
    // Hidden until its first colouring: drawing a grey frame first would make the coloured one
    // wait behind it (a million points take a second to rasterise in software).
    this.shown = false;
    this.marker.scale.setScalar(this.radius * 0.015);
    this.camera.near = this.radius / 1000;
    this.camera.far = this.radius * 100;
    this.camera.position.copy(sphere.center).add(new THREE.Vector3(0.6, 0.5, 1).normalize().multiplyScalar(this.radius * 2.8));
    this.controls.target.copy(sphere.center);
    this.camera.updateProjectionMatrix();
    this.controls.update();
    // Rasterise the points now, while the model runs: the first coloured frame then only colours.
    // The size is read now (a forced layout), not when the resize observer next reports it.
    this.resize();
    this.image.prepare(this.camera, this.worldPointSize);
    this.renderer.getContext().flush();
    this.requestFrame();
    return colors;
  }

  /** The shared position attribute (small multiples draw the same points). */
  get positionAttribute(): THREE.BufferAttribute | undefined {
    return this.geometry?.getAttribute('position') as THREE.BufferAttribute | undefined;
  }

  /** The colour array shown (RGB bytes per point), as the last `setCloud` returned it. */
  get colorArray(): Uint8Array | undefined {
    return this.colors;
  }

  /** Tell the view its colour array was rewritten (this also shows a newly set cloud). */
  colorsChanged(): void {
    if (!this.colors) return;
    this.image.setColours(this.colors);
    this.shown = true;
    this.requestFrame();
  }

  /**
   * The default point size in world units: sparse clouds get bigger points so their surface still
   * reads as one (≈ 2.2 / √N of the radius, clamped to 0.2 %–2 % of it): about 2 pixels for the
   * bunny at the default zoom, so neighbouring points touch and eye-dome lighting can shade them.
   */
  get basePointSize(): number {
    return this.radius * Math.min(0.02, Math.max(0.002, 2.2 / Math.sqrt(this.count)));
  }

  /** The drawn point size in world units: the default scaled by the user's choice. */
  private get worldPointSize(): number {
    return this.basePointSize * this.pointSize;
  }

  /** Point size relative to the default ({@link basePointSize}). */
  setPointSize(relative: number): void {
    this.pointSize = relative;
    this.requestFrame();
  }

  /** Eye-dome lighting on (depth steps shaded) or off (every point shows its colour exactly). */
  setShading(on: boolean): void {
    this.image.shading = on ? 1 : 0;
    this.requestFrame();
  }

  setBackground(color: string): void {
    this.background = new THREE.Color(color);
    this.requestFrame();
  }

  /** Marks the query point (or hides the mark). */
  markQuery(position: [number, number, number] | undefined): void {
    this.marker.visible = !!position;
    if (position) this.marker.position.set(...position);
    this.requestFrame();
  }

  /** Resolves after the next frame (with every change so far) is drawn. */
  nextFrame(): Promise<void> {
    return new Promise((resolve) => {
      this.frameWaiters.push(resolve);
      this.requestFrame();
    });
  }

  /** A PNG of the current view at `width`×`height` pixels (any size the GPU allows). */
  async screenshot(width: number, height: number): Promise<Blob> {
    const size = this.renderer.getSize(new THREE.Vector2());
    const ratio = this.renderer.getPixelRatio();
    this.renderer.setPixelRatio(1);
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.render();
    const blob = await new Promise<Blob | null>((resolve) => this.canvas.toBlob(resolve, 'image/png'));
    this.renderer.setPixelRatio(ratio);
    this.renderer.setSize(size.x, size.y, false);
    this.resize();
    if (!blob) throw new Error(`the browser could not encode a ${width}×${height} PNG`);
    return blob;
  }

  /**
   * Draws the view now: the points through the index image (redrawn first if the view moved, or
   * always with `reindex`), then the marker over them.
   */
  render({ reindex = false } = {}): void {
    const { renderer } = this;
    if (this.geometry && this.shown) {
      if (reindex) this.image.invalidate();
      this.image.render(this.camera, this.worldPointSize, this.background);
    } else {
      renderer.setClearColor(this.background, 1);
      renderer.clear();
    }
    renderer.autoClear = false;
    renderer.render(this.overlay, this.camera);
    renderer.autoClear = true;
  }

  private requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.render();
      this.onFrame?.();
      this.frameWaiters.splice(0).forEach((resolve) => resolve());
    });
  }

  private resize(): void {
    const { clientWidth: w, clientHeight: h } = this.canvas;
    if (w === 0 || h === 0) return;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.requestFrame();
  }

  /** A click (not a drag) picks the nearest point to the ray within a few pixels, whatever the zoom. */
  private listenForClicks(): void {
    let down: { x: number; y: number } | undefined;
    this.canvas.addEventListener('pointerdown', (e) => { down = { x: e.clientX, y: e.clientY }; });
    this.canvas.addEventListener('pointerup', (e) => {
      if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return;
      const index = this.pick(e.clientX, e.clientY);
      if (index !== undefined) this.onPick?.(index);
    });
  }

  /** The index of the point under client coordinates (x, y), or undefined. */
  pick(clientX: number, clientY: number): number | undefined {
    if (!this.geometry) return undefined;
    const rect = this.canvas.getBoundingClientRect();
    const ndc = new THREE.Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(ndc, this.camera);
    // World size of PICK_RADIUS_PX pixels at the orbit target's depth: zooming in narrows the pick.
    const distance = this.camera.position.distanceTo(this.controls.target);
    const worldPerPixel = (2 * distance * Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2))) / rect.height;
    const { origin, direction } = this.raycaster.ray;
    // The cloud's own coordinates: the points are never moved, so world = local.
    const positions = this.geometry.getAttribute('position').array as Float32Array;
    const index = pickOnRay(positions, [origin.x, origin.y, origin.z], [direction.x, direction.y, direction.z], PICK_RADIUS_PX * worldPerPixel);
    return index >= 0 ? index : undefined;
  }
}
