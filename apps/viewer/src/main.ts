import './style.css';
import { ViewerApp } from './app/viewer-app.js';
import { VisionTab } from './vision/vision-tab.js';

const app = new ViewerApp();
const vision = new VisionTab(document.getElementById('vision-panel')!, (seed) => app.worker.visionPicture(seed));

// Two tabs: the point-cloud viewer and the vision (CBAM) demo.
const tabs = { cloud: document.getElementById('tab-cloud')!, vision: document.getElementById('tab-vision')! };
function showTab(which: 'cloud' | 'vision'): void {
  tabs.cloud.setAttribute('aria-selected', String(which === 'cloud'));
  tabs.vision.setAttribute('aria-selected', String(which === 'vision'));
  document.getElementById('cloud-panel')!.hidden = which !== 'cloud';
  document.getElementById('vision-panel')!.hidden = which !== 'vision';
  if (which === 'vision') void vision.show();
}
tabs.cloud.addEventListener('click', () => showTab('cloud'));
tabs.vision.addEventListener('click', () => showTab('vision'));

// For end-to-end tests and the console: the app instance.
(globalThis as { heed?: ViewerApp }).heed = app;
void app.start();
