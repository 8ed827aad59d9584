// Checkpoints: everything a killed run needs to continue as if it had never
// stopped. checkpoints/last/ after every epoch, checkpoints/best/ when the
// validation loss improved. Each is written to a temp folder, fsynced and
// renamed, and carries sha256 sums so a damaged one is never loaded.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tf';
import type { EpochLogs } from '../train/callbacks';
import { writeDirAtomicSync } from './atomic';
import { weightsInStableOrder } from '../model/graph';

/** 2: weights in creation order (weightsInStableOrder); 1: in `model.weights` order under the run's final freeze plan. */
export const CHECKPOINT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];
/** Optimizer weight names start with `group<i>:`, i the layer group. */
const GROUP_PREFIX = 'group';

/** Loop state besides tensors. Plain JSON. */
export interface CheckpointState {
  version: number;
  /** sha256 of spec.json's content: a resume refuses a checkpoint from another spec. */
  specHash: string;
  /** Epochs completed (from 1). */
  epoch: number;
  /** Index of the phase `epoch` belongs to. */
  phase: number;
  /** The run Rng's state after `epoch` (shuffles and dropout seeds continue from it). */
  rng: number;
  /** The base learning rate for the next epoch (after reduce-on-plateau). */
  learningRate: number;
  /** Each layer group's rate (base × its multiplier); absent in checkpoints from before layer groups. */
  learningRates?: number[];
  history: EpochLogs[];
  /** Callback states by their `stateKey` (early stopping, reduce-on-plateau, the caller's own), and best tracking. */
  callbacks: Record<string, unknown>;
}

export interface Checkpoint {
  state: CheckpointState;
  /** The trained model's weights, in the order `state.version` says. */
  weights: tf.Tensor[];
  /** Every group's optimizer.getWeights() as saved, names prefixed by group (see splitOptimizerWeights). */
  optimizer: { name: string; tensor: tf.Tensor }[];
}

/** A checkpoint that cannot be used, with the reason. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

const FILES = { state: 'state.json', weights: 'weights.bin', weightSpecs: 'weights.json', optimizer: 'optimizer.bin', optimizerSpecs: 'optimizer.json', sums: 'sha256.json' };

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes one checkpoint folder atomically. Reads the optimizers' live variables, so call it between steps. */
export async function writeCheckpoint(dir: string, model: tf.LayersModel, optimizers: tf.Optimizer[], state: CheckpointState): Promise<void> {
  const weights = await tf.io.encodeWeights(weightsInStableOrder(model).map((w, i) => ({ name: `${i}`, tensor: w.read() })));
  const perGroup = await Promise.all(optimizers.map((o) => o.getWeights()));
  const opt = await tf.io.encodeWeights(perGroup.flatMap((list, g) => list.map((w) => ({ name: `${GROUP_PREFIX}${g}:${w.name}`, tensor: w.tensor }))));
  // getWeights() creates the iterations scalar; the other entries are the optimizer's own variables.
  for (const list of perGroup) list[0]?.tensor.dispose();
  const files: Record<string, string | Uint8Array> = {
    [FILES.state]: JSON.stringify(state),
    [FILES.weights]: toBytes(weights.data),
    [FILES.weightSpecs]: JSON.stringify(weights.specs),
    [FILES.optimizer]: toBytes(opt.data),
    [FILES.optimizerSpecs]: JSON.stringify(opt.specs),
  };
  const sums = Object.fromEntries(Object.entries(files).map(([name, data]) => [name, sha256(data)]));
  writeDirAtomicSync(dir, { ...files, [FILES.sums]: JSON.stringify(sums) });
}

/** Reads and verifies a checkpoint folder; throws CheckpointError naming what is wrong. */
export function readCheckpoint(dir: string, specHash: string): Checkpoint {
  if (!existsSync(dir)) throw new CheckpointError(`${dir}: no checkpoint`);
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name));
    } catch {
      throw new CheckpointError(`${join(dir, name)}: missing`);
    }
  };
  const sums = parseJson<Record<string, string>>(read(FILES.sums), join(dir, FILES.sums));
  const data: Record<string, Buffer> = {};
  for (const name of [FILES.state, FILES.weights, FILES.weightSpecs, FILES.optimizer, FILES.optimizerSpecs]) {
    data[name] = read(name);
    if (sums[name] !== sha256(data[name])) throw new CheckpointError(`${join(dir, name)}: checksum mismatch (damaged checkpoint)`);
  }
  const state = parseJson<CheckpointState>(data[FILES.state], join(dir, FILES.state));
  if (!READABLE_VERSIONS.includes(state.version)) throw new CheckpointError(`${dir}: checkpoint version ${state.version} is not supported`);
  if (state.specHash !== specHash) throw new CheckpointError(`${dir}: the checkpoint belongs to a different spec.json`);
  const weightMap = tf.io.decodeWeights(toArrayBuffer(data[FILES.weights]), parseJson(data[FILES.weightSpecs], FILES.weightSpecs));
  const optimizerSpecs = parseJson<tf.io.WeightsManifestEntry[]>(data[FILES.optimizerSpecs], FILES.optimizerSpecs);
  const optimizerMap = tf.io.decodeWeights(toArrayBuffer(data[FILES.optimizer]), optimizerSpecs);
  const weights = Object.keys(weightMap)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => weightMap[k]);
  return { state, weights, optimizer: optimizerSpecs.map((s) => ({ name: s.name, tensor: optimizerMap[s.name] })) };
}

/**
 * A checkpoint's optimizer weights, one list per layer group, in the order
 * getWeights() gave them. Names carry `group<i>:`; a checkpoint from before
 * layer groups has bare names, which all belong to the one group it had.
 */
export function splitOptimizerWeights(saved: Checkpoint['optimizer'], groups: number): Checkpoint['optimizer'][] {
  const lists: Checkpoint['optimizer'][] = Array.from({ length: groups }, () => []);
  for (const w of saved) {
    const match = /^group(\d+):(.*)$/s.exec(w.name);
    const g = match ? Number(match[1]) : 0;
    if (g >= groups) throw new CheckpointError(`the checkpoint has optimizer state for layer group ${g}, but this phase has ${groups} group(s)`);
    lists[g].push({ name: match ? match[2] : w.name, tensor: w.tensor });
  }
  return lists;
}

/**
 * Copies checkpoint weights into the model after checking that they fit. A
 * version 1 checkpoint is in `model.weights` order, which matches when the
 * model carries the run's final freeze plan (as it does on resume).
 */
export function restoreWeights(model: tf.LayersModel, checkpoint: Pick<Checkpoint, 'state' | 'weights'>, source: string): void {
  const { weights } = checkpoint;
  const targets = checkpoint.state.version === 1 ? model.weights : weightsInStableOrder(model);
  if (weights.length !== targets.length) throw new CheckpointError(`${source}: ${weights.length} weights for a model with ${targets.length}`);
  targets.forEach((w, i) => {
    if (!tf.util.arraysEqual(w.shape as number[], weights[i].shape)) throw new CheckpointError(`${source}: weight ${w.name} has shape ${weights[i].shape}, expected ${w.shape}`);
    w.write(weights[i]);
  });
}

function parseJson<T>(buf: Buffer, file: string): T {
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch {
    throw new CheckpointError(`${file}: not valid JSON`);
  }
}

function toBytes(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  return new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}
