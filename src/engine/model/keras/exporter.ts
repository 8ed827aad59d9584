// tfjs LayersModel → Keras 3 `.keras`: config.json (keras3Config.ts),
// metadata.json and model.weights.h5 in the layout Keras 3's saving_lib reads
// (`layers/<class in snake_case, numbered per class>/vars/<i>`, nested models
// under their own `layers/`), zipped with fflate. h5wasm writes the HDF5 file
// to a temp folder; the archive is written atomically.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type * as H5 from 'h5wasm';
import { tf } from '../../tf';
import { writeFileAtomicSync } from '../../run/atomic';
import { CONFIG_JSON, METADATA_JSON, WEIGHTS_H5 } from './archive';
import { h5 } from './hdf5';
import { toSnakeCase } from './layerConfig';
import { keras3Config, KERAS3_VERSION_TARGETED } from './keras3Config';

/** The Keras 3 class name a tfjs layer is saved under (tfjs calls a functional model 'Model'). */
function kerasClass(layer: tf.layers.Layer): string {
  const name = layer.getClassName();
  return name === 'Model' ? 'Functional' : name;
}

async function writeLayers(group: H5.Group, layers: tf.layers.Layer[]): Promise<void> {
  const container = group.create_group('layers');
  const used = new Map<string, number>();
  for (const layer of layers) {
    const base = toSnakeCase(kerasClass(layer));
    const n = used.has(base) ? used.get(base)! + 1 : 0;
    used.set(base, n);
    const own = container.create_group(n === 0 ? base : `${base}_${n}`);
    if (layer instanceof tf.LayersModel) {
      own.create_group('vars');
      await writeLayers(own, layer.layers);
      continue;
    }
    const vars = own.create_group('vars');
    for (const [i, w] of layer.weights.entries()) {
      const values = (await w.read().data()) as Float32Array;
      vars.create_dataset({ name: String(i), data: values, shape: w.shape as number[], dtype: '<f' });
    }
  }
}

/** Writes `model` as a Keras 3 `.keras` archive at `outPath`. */
export async function exportKeras(model: tf.LayersModel, outPath: string): Promise<void> {
  const { File } = await h5();
  const dir = mkdtempSync(join(tmpdir(), 'finetune-keras-export-'));
  try {
    const weightsPath = join(dir, WEIGHTS_H5);
    // h5py's default format (what Keras itself writes), readable by HDF5 1.10 and later.
    const file = new File(weightsPath, 'w', { libver: ['earliest', 'v110'] });
    try {
      await writeLayers(file, model.layers);
      file.create_group('vars');
    } finally {
      file.close();
    }
    const metadata = { keras_version: KERAS3_VERSION_TARGETED, date_saved: new Date().toISOString(), saved_by: 'Finetune Studio' };
    const zip = zipSync(
      {
        [METADATA_JSON]: strToU8(JSON.stringify(metadata)),
        [CONFIG_JSON]: strToU8(JSON.stringify(keras3Config(model))),
        [WEIGHTS_H5]: readFileSync(weightsPath),
      },
      { level: 0 }, // Keras stores its entries uncompressed too
    );
    writeFileAtomicSync(outPath, zip);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
