/**
 * `navigator.gpu` for Node, from Dawn (the `webgpu` npm package). Browsers have their own; this
 * module is only imported dynamically, when `navigator.gpu` is missing and Node is running.
 */

/** Debian's chromium ships a SwiftShader Vulkan driver that Dawn accepts (see PLATFORM notes). */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const SYSTEM_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

/**
 * Installs Dawn's `navigator.gpu` and WebGPU globals. When the environment names no Vulkan driver
 * and the system has none, SwiftShader is chosen (software; slow but exact) if present.
 * Returns a note on the driver choice.
 */
export async function installNodeGPU(dawnFlags: string[] = []): Promise<string> {
  const { existsSync, readdirSync } = await import('node:fs');
  let note = 'Vulkan driver chosen by the environment';
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) {
    const systemDrivers = SYSTEM_ICD_DIRS.filter(existsSync).flatMap((dir) => readdirSync(dir));
    if (systemDrivers.length === 0 && existsSync(SWIFTSHADER_ICD)) {
      // Dawn reads this when it loads the Vulkan loader, i.e. on create() below.
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      note = 'no Vulkan driver installed: using SwiftShader (software)';
    }
  }
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create(dawnFlags);
  // Dawn crashes the process if this object is garbage-collected: keep it on navigator for good.
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: { ...nav, gpu }, configurable: true, writable: true });
  return note;
}
