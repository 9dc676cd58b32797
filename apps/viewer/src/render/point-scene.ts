import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { pickOnRay } from '../math/ray-pick.js';

/** Pixels around the cursor within which a click picks a point. */
const PICK_RADIUS_PX = 6;

/**
 * The main 3-D view: one `THREE.Points` with an RGB byte colour attribute the app rewrites in place,
 * orbit controls, a query marker, zoom-aware picking and screenshots at any resolution. Renders on
 * demand (after a change), not in a loop.
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
  readonly scene = new THREE.Scene();
  /** Called with the input-cloud index of a clicked point. */
  onPick?: (index: number) => void;
  /** Called after each drawn frame. */
  onFrame?: () => void;
  private points?: THREE.Points<THREE.BufferGeometry, THREE.PointsMaterial>;
  private readonly marker: THREE.Mesh<THREE.SphereGeometry, THREE.MeshBasicMaterial>;
  private readonly raycaster = new THREE.Raycaster();
  private radius = 1;
  private count = 1;
  private pointSize = 1;
  private frameRequested = false;
  private readonly frameWaiters: (() => void)[] = [];

  constructor(readonly canvas: HTMLCanvasElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.scene.background = new THREE.Color('#16181d');
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.addEventListener('change', () => this.requestFrame());
    this.marker = new THREE.Mesh(new THREE.SphereGeometry(1, 16, 12), new THREE.MeshBasicMaterial({ color: '#ff2d55', depthTest: false, transparent: true, opacity: 0.9 }));
    this.marker.renderOrder = 1;
    this.marker.visible = false;
    this.scene.add(this.marker);
    new ResizeObserver(() => this.resize()).observe(canvas);
    // A busy or software GPU process may drop the context; three.js rebuilds its state on restore,
    // but nothing redraws on demand unless asked.
    canvas.addEventListener('webglcontextrestored', () => this.requestFrame());
    this.listenForClicks();
    this.resize();
  }

  /** Takes a new cloud (flat xyz), frames it, and returns its colour array (RGB bytes, grey); shown from the next {@link colorsChanged}. */
  setCloud(positions: Float32Array): Uint8Array {
    if (this.points) {
      this.scene.remove(this.points);
      this.points.geometry.dispose();
      this.points.material.dispose();
    }
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
    const colors = new Uint8Array(positions.length).fill(160);
    geometry.setAttribute('color', new THREE.BufferAttribute(colors, 3, true));
    geometry.computeBoundingSphere();
    const sphere = geometry.boundingSphere!;
    this.radius = sphere.radius || 1;
    this.count = Math.max(1, positions.length / 3);
    const material = new THREE.PointsMaterial({ vertexColors: true, sizeAttenuation: true });
    this.points = new THREE.Points(geometry, material);
    // Hidden until its first colouring: drawing a grey frame first would make the coloured one
    // wait behind it (a million points take seconds to rasterise in software).
    this.points.visible = false;
    this.scene.add(this.points);
    this.setPointSize(this.pointSize);
    this.marker.scale.setScalar(this.radius * 0.015);
    this.camera.near = this.radius / 1000;
    this.camera.far = this.radius * 100;
    this.camera.position.copy(sphere.center).add(new THREE.Vector3(0.6, 0.5, 1).normalize().multiplyScalar(this.radius * 2.8));
    this.controls.target.copy(sphere.center);
    this.camera.updateProjectionMatrix();
    this.controls.update();
    this.requestFrame();
    return colors;
  }

  /** The shared position attribute (small multiples draw the same points). */
  get positionAttribute(): THREE.BufferAttribute | undefined {
    return this.points?.geometry.getAttribute('position') as THREE.BufferAttribute | undefined;
  }

  /** The colour array shown (RGB bytes per point), as the last `setCloud` returned it. */
  get colorArray(): Uint8Array | undefined {
    return this.points?.geometry.getAttribute('color').array as Uint8Array | undefined;
  }

  /** Tell the view its colour array was rewritten (this also shows a newly set cloud). */
  colorsChanged(): void {
    const attribute = this.points?.geometry.getAttribute('color');
    if (attribute) attribute.needsUpdate = true;
    if (this.points) this.points.visible = true;
    this.requestFrame();
  }

  /**
   * The default point size in world units: sparse clouds get bigger points so their surface still
   * reads as one (≈ 1.1 / √N of the radius, clamped to 0.2 %–2 % of it).
   */
  get basePointSize(): number {
    return this.radius * Math.min(0.02, Math.max(0.002, 1.1 / Math.sqrt(this.count)));
  }

  /** Point size relative to the default ({@link basePointSize}). */
  setPointSize(relative: number): void {
    this.pointSize = relative;
    if (this.points) this.points.material.size = this.basePointSize * relative;
    this.requestFrame();
  }

  setBackground(color: string): void {
    this.scene.background = new THREE.Color(color);
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
    this.renderer.render(this.scene, this.camera);
    const blob = await new Promise<Blob | null>((resolve) => this.canvas.toBlob(resolve, 'image/png'));
    this.renderer.setPixelRatio(ratio);
    this.renderer.setSize(size.x, size.y, false);
    this.resize();
    if (!blob) throw new Error(`the browser could not encode a ${width}×${height} PNG`);
    return blob;
  }

  private requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.renderer.render(this.scene, this.camera);
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
    if (!this.points) return undefined;
    const rect = this.canvas.getBoundingClientRect();
    const ndc = new THREE.Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(ndc, this.camera);
    // World size of PICK_RADIUS_PX pixels at the orbit target's depth: zooming in narrows the pick.
    const distance = this.camera.position.distanceTo(this.controls.target);
    const worldPerPixel = (2 * distance * Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2))) / rect.height;
    const { origin, direction } = this.raycaster.ray;
    // The cloud's own coordinates: the Points object is never moved, so world = local.
    const positions = this.points.geometry.getAttribute('position').array as Float32Array;
    const index = pickOnRay(positions, [origin.x, origin.y, origin.z], [direction.x, direction.y, direction.z], PICK_RADIUS_PX * worldPerPixel);
    return index >= 0 ? index : undefined;
  }
}
