// The data module's public face: scan a dataset folder (layout, split, health
// report) and decode its images into model input. See scan.ts for the folder
// rules and decode.ts for the pixel rules. Augmentation (augment.ts) is not
// re-exported: it needs tfjs, and this module must stay loadable without it
// (the extension host scans datasets for the health report, tfjs-free).
export type { Sample, Dataset } from './types';
export { DatasetError } from './types';
export { scanDataset } from './scan';
export { decodeSamples, decodeImageFile, MAX_INPUT_PIXELS } from './decode';
