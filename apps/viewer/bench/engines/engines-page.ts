/** Starts the bench worker and hands its result to the driving script (window.heedBench). */
const log = document.getElementById('log')!;
const worker = new Worker(new URL('./engines-worker.ts', import.meta.url), { type: 'module' });
const quick = new URLSearchParams(location.search).has('quick');
(window as unknown as { heedBench: Promise<unknown> }).heedBench = new Promise((resolve, reject) => {
  worker.onmessage = (e: MessageEvent<{ progress?: string; result?: unknown; error?: string }>) => {
    if (e.data.progress) log.textContent += `\n${e.data.progress}`;
    if (e.data.error) reject(new Error(e.data.error));
    if (e.data.result) resolve(e.data.result);
  };
  worker.onerror = (e) => reject(new Error(e.message));
  worker.postMessage({ quick });
});
