/**
 * onnxruntime-web's WebGPU engine in Node (measured facts in PLATFORM.md): Dawn's `navigator.gpu`
 * from @heed/webgpu (a GPU's Vulkan driver, else SwiftShader), queue writes from SharedArrayBuffer
 * views copied into plain memory (Dawn rejects them), and V8's baseline wasm compiler only
 * (optimising onnxruntime's 27 MB wasm takes ≈ 28 s otherwise). Idempotent.
 */
let ready: Promise<void> | undefined;

/**
 * Makes `engine: 'ort-webgpu'` work in Node; {@link createOnnxSession} calls it.
 *
 * @example
 * ```ts
 * await prepareNodeWebGPU();
 * const session = await createOnnxSession(bytes, { engine: 'ort-webgpu' });
 * ```
 */
export function prepareNodeWebGPU(): Promise<void> {
  ready ??= setUp();
  return ready;
}

async function setUp(): Promise<void> {
  const v8 = 'node:v8'; // a variable: bundlers must not try to resolve it for the browser
  const { setFlagsFromString } = (await import(/* @vite-ignore */ v8)) as typeof import('node:v8');
  setFlagsFromString('--liftoff-only');
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (!nav?.gpu) {
    const { installNodeGPU } = await import('@heed/webgpu/node');
    await installNodeGPU();
  }
  const queue = (globalThis as { GPUQueue?: { prototype: GPUQueue } }).GPUQueue?.prototype;
  if (!queue) throw new Error('ort-webgpu: WebGPU globals are missing after installing Dawn');
  const write = queue.writeBuffer;
  queue.writeBuffer = function (this: GPUQueue, buffer: GPUBuffer, offset: number, data: BufferSource | SharedArrayBuffer, dataOffset?: number, size?: number) {
    if (ArrayBuffer.isView(data) && data.buffer instanceof SharedArrayBuffer) {
      // Same element type in unshared memory, so dataOffset and size (in elements) keep their meaning.
      const copy = (data as unknown as Uint8Array).slice();
      return write.call(this, buffer, offset, copy as BufferSource, dataOffset, size);
    }
    return write.call(this, buffer, offset, data as BufferSource, dataOffset, size);
  } as GPUQueue['writeBuffer'];
}
