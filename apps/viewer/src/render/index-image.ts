import * as THREE from 'three';

/** Colour texture rows hold this many points (the index image decodes `index % width`, `index / width`). */
const COLOUR_TEXTURE_WIDTH = 4096;

/** Each point writes its index + 1 (0 = no point) as four bytes; `flat` keeps the bytes exact. */
const INDEX_VERTEX = /* glsl */ `
uniform float size;
uniform float scale;
flat out vec4 encodedIndex;
void main() {
  vec4 mvPosition = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mvPosition;
  // PointsMaterial's size attenuation: size is in world units at the point's depth.
  gl_PointSize = size * (scale / -mvPosition.z);
  uint id = uint(gl_VertexID) + 1u;
  encodedIndex = vec4(uvec4(id, id >> 8u, id >> 16u, id >> 24u) & 255u) / 255.0;
}`;

const INDEX_FRAGMENT = /* glsl */ `
flat in vec4 encodedIndex;
layout(location = 0) out highp vec4 fragColour;
void main() { fragColour = encodedIndex; }`;

const SCREEN_VERTEX = /* glsl */ `
void main() { gl_Position = vec4(position.xy, 0.0, 1.0); }`;

/**
 * Eye-dome lighting (as CloudCompare and Potree shade clouds): a pixel darkens by how far it lies
 * behind its neighbours in log depth, so silhouettes and depth steps read without normals. Depends
 * only on the view, so it is computed with the index image, not per recolour.
 */
const EYE_DOME_FRAGMENT = /* glsl */ `
uniform highp sampler2D depth;
uniform float near;
uniform float far;
uniform float strength;
layout(location = 0) out highp vec4 fragColour;
// log2 of the view-space distance (any scale: only differences count); background: depth 1.
float logDepth(float d) { return log2(near * far / (far - d * (far - near))); }
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  float d = texelFetch(depth, p, 0).r;
  float response = 0.0;
  if (d < 1.0) {
    float own = logDepth(d);
    ivec2 steps[4] = ivec2[4](ivec2(1, 0), ivec2(-1, 0), ivec2(0, 1), ivec2(0, -1));
    for (int i = 0; i < 4; i++) {
      float neighbour = texelFetch(depth, clamp(p + steps[i], ivec2(0), textureSize(depth, 0) - 1), 0).r;
      if (neighbour < 1.0) response += max(0.0, own - logDepth(neighbour));
    }
  }
  fragColour = vec4(exp(-response * 75.0 * strength), 0.0, 0.0, 1.0);
}`;

/** Per pixel: the point index under it → that point's colour; no point → the background. */
const COMPOSITE_FRAGMENT = /* glsl */ `
uniform highp sampler2D indices;
uniform highp sampler2D colours;
uniform highp sampler2D shade;
uniform vec3 background;
layout(location = 0) out highp vec4 fragColour;
void main() {
  uvec4 b = uvec4(round(texelFetch(indices, ivec2(gl_FragCoord.xy), 0) * 255.0));
  uint id = b.r | (b.g << 8u) | (b.b << 16u) | (b.a << 24u);
  if (id == 0u) { fragColour = vec4(background, 1.0); return; }
  id -= 1u;
  uint width = uint(textureSize(colours, 0).x);
  fragColour = vec4(texelFetch(colours, ivec2(id % width, id / width), 0).rgb * texelFetch(shade, ivec2(gl_FragCoord.xy), 0).r, 1.0);
}`;

/**
 * Draws a point cloud whose colours change far more often than its view: the points are
 * rasterised once per camera / size / point-size change into an *index image* (which point is
 * in front at each pixel), and every frame is a screen-sized pass that looks each pixel's point
 * up in a colour texture. A recolour (a new query) then costs one texture upload and one
 * full-screen pass instead of redrawing every point: on a software rasteriser a million points
 * take ≈ 0.6 s to draw, the pass a few milliseconds.
 *
 * Colours are display bytes (sRGB, as the legend draws them) and reach the screen unchanged, or
 * darkened by eye-dome lighting where the view has depth steps ({@link shading}).
 *
 * @example
 * ```ts
 * const image = new IndexImage(renderer);
 * image.setGeometry(geometry);                  // a `position` attribute, N points
 * image.setColours(rgbBytes);                   // Uint8Array [3·N]
 * image.render(camera, worldPointSize, background);
 * ```
 */
export class IndexImage {
  private readonly indices = new THREE.WebGLRenderTarget(1, 1, {
    minFilter: THREE.NearestFilter, magFilter: THREE.NearestFilter, type: THREE.UnsignedByteType, format: THREE.RGBAFormat, depthBuffer: true,
    depthTexture: new THREE.DepthTexture(1, 1, THREE.UnsignedIntType),
  });
  /** Eye-dome lighting factor per pixel (red channel, 0–1), drawn with the index image. */
  private readonly shade = new THREE.WebGLRenderTarget(1, 1, {
    minFilter: THREE.NearestFilter, magFilter: THREE.NearestFilter, type: THREE.UnsignedByteType, format: THREE.RGBAFormat, depthBuffer: false,
  });
  private readonly eyeDomeMaterial = new THREE.ShaderMaterial({
    glslVersion: THREE.GLSL3, vertexShader: SCREEN_VERTEX, fragmentShader: EYE_DOME_FRAGMENT, depthTest: false, depthWrite: false,
    uniforms: { depth: { value: this.indices.depthTexture }, near: { value: 0.1 }, far: { value: 100 }, strength: { value: 1 } },
  });
  private readonly eyeDomeScene = new THREE.Scene();
  private readonly indexMaterial = new THREE.ShaderMaterial({
    glslVersion: THREE.GLSL3, vertexShader: INDEX_VERTEX, fragmentShader: INDEX_FRAGMENT,
    uniforms: { size: { value: 1 }, scale: { value: 1 } },
  });
  private readonly indexScene = new THREE.Scene();
  private readonly points = new THREE.Points(new THREE.BufferGeometry(), this.indexMaterial);
  private colours = new THREE.DataTexture(new Uint8Array(4), 1, 1);
  private readonly compositeMaterial = new THREE.ShaderMaterial({
    glslVersion: THREE.GLSL3, vertexShader: SCREEN_VERTEX, fragmentShader: COMPOSITE_FRAGMENT, depthTest: false, depthWrite: false,
    uniforms: { indices: { value: this.indices.texture }, colours: { value: this.colours }, shade: { value: this.shade.texture }, background: { value: new THREE.Color() } },
  });
  private readonly compositeScene = new THREE.Scene();
  private readonly compositeCamera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  /** What the index image was drawn for; a different key redraws it. */
  private drawnFor = '';
  private readonly clearColour = new THREE.Color();
  /** The drawing-buffer rectangle the points can cover (x, y from the bottom left): the colour pass runs there only. */
  private covered = { x: 0, y: 0, width: 1, height: 1 };
  /** Eye-dome lighting strength: 0 shows the colours exactly as given. */
  shading = 1;

  constructor(private readonly renderer: THREE.WebGLRenderer) {
    this.points.frustumCulled = false;
    this.indexScene.add(this.points);
    for (const [scene, material] of [[this.compositeScene, this.compositeMaterial], [this.eyeDomeScene, this.eyeDomeMaterial]] as const) {
      const quad = new THREE.Mesh(new THREE.PlaneGeometry(2, 2), material);
      quad.frustumCulled = false;
      scene.add(quad);
    }
  }

  /** The points to draw (shares the geometry's `position` attribute); colours start black. */
  setGeometry(geometry: THREE.BufferGeometry): void {
    const count = geometry.getAttribute('position').count;
    const width = Math.min(COLOUR_TEXTURE_WIDTH, this.renderer.capabilities.maxTextureSize);
    const rows = Math.max(1, Math.ceil(count / width));
    if (rows > this.renderer.capabilities.maxTextureSize) {
      throw new Error(`a cloud of ${count} points needs a ${width}×${rows} colour texture; this GPU allows ${this.renderer.capabilities.maxTextureSize} rows`);
    }
    this.points.geometry = geometry;
    this.colours.dispose();
    this.colours = new THREE.DataTexture(new Uint8Array(4 * width * rows), width, rows);
    this.compositeMaterial.uniforms.colours!.value = this.colours;
    this.drawnFor = '';
  }

  /** Makes the next {@link render} redraw the index image. */
  invalidate(): void {
    this.drawnFor = '';
  }

  /** Copies RGB bytes (3 per point) into the colour texture, uploaded with the next frame. */
  setColours(rgb: Uint8Array): void {
    const texels = this.colours.image.data as Uint8Array;
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
      texels[j] = rgb[i]!;
      texels[j + 1] = rgb[i + 1]!;
      texels[j + 2] = rgb[i + 2]!;
    }
    this.colours.needsUpdate = true;
  }

  /**
   * Draws the index image for this view unless it already shows it. Called early (right after a
   * new cloud), it lets the rasteriser work while the model runs; the colours come later.
   */
  prepare(camera: THREE.PerspectiveCamera, pointSize: number): void {
    camera.updateMatrixWorld();
    const buffer = this.renderer.getDrawingBufferSize(new THREE.Vector2());
    const key = `${buffer.x}×${buffer.y} ${pointSize} ${this.shading} ${camera.matrixWorldInverse.elements.join(',')} ${camera.projectionMatrix.elements.join(',')}`;
    if (key === this.drawnFor) return;
    this.drawIndices(camera, pointSize, buffer);
    this.covered = this.screenBounds(camera, pointSize, buffer);
    this.drawnFor = key;
  }

  /** Draws the coloured points through `camera` into the renderer's current target (the index image only when the view moved). */
  render(camera: THREE.PerspectiveCamera, pointSize: number, background: THREE.Color): void {
    this.prepare(camera, pointSize);
    const { renderer } = this;
    this.compositeMaterial.uniforms.background!.value.copy(background);
    // The pass costs per pixel (≈ 30 ns each in software): clear the screen, colour only where points can be.
    this.withClearColour(background, 1, () => renderer.clear());
    const ratio = renderer.getPixelRatio(), { x, y, width, height } = this.covered;
    renderer.setScissor(x / ratio, y / ratio, width / ratio, height / ratio);
    renderer.setScissorTest(true);
    const autoClear = renderer.autoClear;
    renderer.autoClear = false;
    renderer.render(this.compositeScene, this.compositeCamera);
    renderer.autoClear = autoClear;
    renderer.setScissorTest(false);
  }

  dispose(): void {
    this.indices.dispose();
    this.shade.dispose();
    this.colours.dispose();
    this.eyeDomeMaterial.dispose();
    this.indexMaterial.dispose();
    this.compositeMaterial.dispose();
  }

  private drawIndices(camera: THREE.PerspectiveCamera, pointSize: number, buffer: THREE.Vector2): void {
    const { renderer } = this;
    this.indices.setSize(buffer.x, buffer.y);
    this.shade.setSize(buffer.x, buffer.y);
    this.indexMaterial.uniforms.size!.value = pointSize;
    this.indexMaterial.uniforms.scale!.value = buffer.y / 2;
    const target = renderer.getRenderTarget();
    renderer.setRenderTarget(this.indices);
    this.withClearColour(new THREE.Color(0x000000), 0, () => renderer.render(this.indexScene, camera));
    const eyeDome = this.eyeDomeMaterial.uniforms;
    eyeDome.near!.value = camera.near;
    eyeDome.far!.value = camera.far;
    eyeDome.strength!.value = this.shading;
    renderer.setRenderTarget(this.shade);
    renderer.render(this.eyeDomeScene, this.compositeCamera);
    renderer.setRenderTarget(target);
  }

  /** Runs `draw` with the renderer clearing to `colour`, then restores its clear colour. */
  private withClearColour(colour: THREE.Color, alpha: number, draw: () => void): void {
    const previousAlpha = this.renderer.getClearAlpha();
    this.renderer.getClearColor(this.clearColour);
    this.renderer.setClearColor(colour, alpha);
    draw();
    this.renderer.setClearColor(this.clearColour, previousAlpha);
  }

  /**
   * The pixels the points can cover: the projected corners of their bounding box, widened by the
   * largest point's half size; the whole buffer when the camera is inside or behind the box.
   */
  private screenBounds(camera: THREE.PerspectiveCamera, pointSize: number, buffer: THREE.Vector2): { x: number; y: number; width: number; height: number } {
    const whole = { x: 0, y: 0, width: buffer.x, height: buffer.y };
    const geometry = this.points.geometry;
    if (!geometry.boundingBox) geometry.computeBoundingBox();
    const { min, max } = geometry.boundingBox!;
    const corner = new THREE.Vector3();
    let [x0, y0, x1, y1, nearest] = [Infinity, Infinity, -Infinity, -Infinity, Infinity];
    for (let c = 0; c < 8; c++) {
      corner.set(c & 1 ? max.x : min.x, c & 2 ? max.y : min.y, c & 4 ? max.z : min.z).applyMatrix4(camera.matrixWorldInverse);
      const depth = -corner.z;
      if (depth <= camera.near) return whole;
      nearest = Math.min(nearest, depth);
      corner.applyMatrix4(camera.projectionMatrix);
      [x0, x1] = [Math.min(x0, corner.x), Math.max(x1, corner.x)];
      [y0, y1] = [Math.min(y0, corner.y), Math.max(y1, corner.y)];
    }
    const pad = Math.ceil((pointSize * (buffer.y / 2)) / nearest / 2) + 2;
    const left = Math.max(0, Math.floor(((x0 + 1) / 2) * buffer.x) - pad), right = Math.min(buffer.x, Math.ceil(((x1 + 1) / 2) * buffer.x) + pad);
    const bottom = Math.max(0, Math.floor(((y0 + 1) / 2) * buffer.y) - pad), top = Math.min(buffer.y, Math.ceil(((y1 + 1) / 2) * buffer.y) + pad);
    return right > left && top > bottom ? { x: left, y: bottom, width: right - left, height: top - bottom } : { x: 0, y: 0, width: 0, height: 0 };
  }
}
