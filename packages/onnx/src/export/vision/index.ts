// @heed/vision's models exported to ONNX (the CBAM CNN's exporter lives with channel-spatial).
export { type TinyVitExportOptions, type TinyVitNodes, TINY_VIT_INPUT, exportTinyVit, tinyVitNodes } from './tiny-vit-export.js';
