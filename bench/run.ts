// `npm run bench`: figures only, never pass/fail. Prints a table and the
// ratios the engine issue targets, and writes bench/results/<time>.json.
// Every ratio compares numbers measured in this one run on this machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';
import { demoSpec } from '../src/engine/demo';
import { fixtureDir } from '../test/helpers/nsfwjsFixtures';
import { generateImageSet } from './imageSet';
import { extractionRate } from './extraction';
import { sampledTrainingRate, timedRun } from './measure';
import { runPytorchPeer } from './peer';
import { printReport, type Row } from './report';
import { runUiBench } from './ui-bench';
import { sweepBench } from './sweep';
import { runGpuBench } from './gpu';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    'skip-peer': { type: 'boolean' },
    only: { type: 'string' },
    'gpu-batches': { type: 'string' },
    'gpu-reps': { type: 'string' },
  },
});
const quick = values.quick === true;
const wants = (section: string) => !values.only || values.only.split(',').includes(section);
// The gpu section runs only when named: on a software adapter its batch-128 fine-tune takes hours.
const named = (section: string) => values.only?.split(',').includes(section) === true;

const EPOCHS = 10;
const PER_CLASS = quick ? 16 : 64; // 5 classes × 64 = 320 images
const rows: Row[] = [];
const figures: Record<string, unknown> = { quick, startedAt: new Date().toISOString() };

async function main() {
  if (wants('demo')) {
    const demo = await timedRun(demoSpec(resolve('media'), 'unused'));
    figures.demo = { seconds: demo.seconds, valAccuracy: demo.result.valAccuracy, epochs: demo.result.epochs };
    rows.push({ name: 'demo end to end (MNIST CNN, frozen convs)', value: demo.seconds, unit: 's', note: `val acc ${demo.result.valAccuracy.toFixed(4)}` });
  }

  const mobilenet = fixtureDir('mobilenet_v2');
  const cores = availableParallelism();
  figures.machine = { cores, loadAverageAtStart: loadavg() };
  if (wants('extract')) {
    const cpu = await extractionRate(mobilenet, 'cpu', quick ? 4 : 8, 4);
    const wasm = await extractionRate(mobilenet, 'wasm', quick ? 16 : 64, 32);
    const wasmAll = cores > 1 ? await extractionRate(mobilenet, 'wasm', quick ? 16 : 64, 32, cores) : wasm;
    figures.extraction = { cpu, wasm, wasmAllThreads: wasmAll, threads: cores };
    rows.push({ name: 'MobileNetV2 feature extraction, cpu backend', value: cpu, unit: 'img/s' });
    rows.push({ name: 'MobileNetV2 feature extraction, wasm backend, 1 thread', value: wasm, unit: 'img/s' });
    rows.push({ name: `MobileNetV2 feature extraction, wasm backend, ${cores} threads`, value: wasmAll, unit: 'img/s', note: `scaling ${(wasmAll / wasm).toFixed(2)}× (target ≥ 1.7 at 2)` });
  }

  if (wants('full')) {
    // Every layer trains, batch 32: micro-batched on wasm (one pass of 32 does not fit its 4 GiB heap).
    // Then on every core: the batch's passes spread over the training pool (engine/parallel/trainPool.ts).
    const fullData = await generateImageSet(resolve('bench/results/images-16'), 16);
    const fullSpec = { modelDir: mobilenet, dataDir: fullData, batchSize: 32, seed: 1, backend: 'wasm' as const, train: 'all' as const, validationSplit: 0.2 };
    const sampled = await sampledTrainingRate({ ...fullSpec, threads: 1 }, 1);
    const split = sampled.logs.find((l) => l.startsWith('Training batch'))?.replace(/ \(.*$/, '') ?? 'one pass';
    rows.push({ name: 'MobileNetV2 full fine-tune (all layers), wasm, batch 32, 1 thread', value: sampled.imagesPerSec, unit: 'img/s', note: `${split}; ${sampled.coresBusy.toFixed(2)} cores busy` });
    const all = cores > 1 ? await sampledTrainingRate({ ...fullSpec, threads: cores }, 1) : sampled;
    const pool = all.logs.find((l) => /^Training (on \d+ threads|without the thread pool)/.test(l)) ?? 'no thread pool line';
    rows.push({ name: `MobileNetV2 full fine-tune (all layers), wasm, batch 32, ${cores} threads`, value: all.imagesPerSec, unit: 'img/s', note: `scaling ${(all.imagesPerSec / sampled.imagesPerSec).toFixed(2)}× (target ≥ 1.5 at 2); ${all.coresBusy.toFixed(2)} cores busy; ${pool.replace(/ \(.*$/, '')}` });
    // Cores busy = the process's CPU time over wall time: on a shared machine, what the threads really got.
    figures.full = { imagesPerSec: sampled.imagesPerSec, imagesPerSecAllThreads: all.imagesPerSec, threads: cores, coresBusy: [sampled.coresBusy, all.coresBusy], batches: sampled.batches, microBatches: sampled.logs.filter((l) => l.startsWith('Training batch')), pool };
  }

  // The 224 px image set costs a minute to write the first time; only the MobileNetV2 sections need it.
  const needsImages = wants('frozen') || wants('top4') || wants('sweep');
  const data = needsImages ? await generateImageSet(resolve('bench/results/images-' + PER_CLASS), PER_CLASS) : '';
  const base = { modelDir: mobilenet, dataDir: data, epochs: EPOCHS, batchSize: 32, seed: 1, backend: 'wasm' as const };
  const trainImages = Math.round(PER_CLASS * 5 * 0.8);
  const valImages = PER_CLASS * 5 - trainImages;
  const wasmRate = (figures.extraction as { wasm: number } | undefined)?.wasm;

  // Without the cache, an epoch costs trainImages at the sampled training rate plus a validation forward pass.
  const extrapolate = (trainRate: number) => EPOCHS * (trainImages / trainRate + (wasmRate ? valImages / wasmRate : 0));

  if (wants('frozen')) {
    const cached = await timedRun({ ...base, train: 'head' });
    const sampled = await sampledTrainingRate({ ...base, train: 'head', featureCache: 'off' }, quick ? 1 : 2);
    const uncached = extrapolate(sampled.imagesPerSec);
    figures.frozenBase = { cachedSeconds: cached.seconds, cacheUsed: cached.featureCache, valAccuracy: cached.result.valAccuracy, uncachedImagesPerSec: sampled.imagesPerSec, uncachedSecondsExtrapolated: uncached };
    rows.push({ name: `MobileNetV2 head only, ${EPOCHS} epochs, ${PER_CLASS * 5} images, feature cache`, value: cached.seconds, unit: 's', note: `val acc ${cached.result.valAccuracy.toFixed(3)}` });
    rows.push({ name: `  same without cache (sampled ${sampled.batches} batches, extrapolated)`, value: uncached, unit: 's', note: `${sampled.imagesPerSec.toFixed(2)} img/s training` });
    rows.push({ name: '  ratio: no cache / cache (target ≥ 5)', value: uncached / cached.seconds, unit: '×' });
  }

  if (wants('top4')) {
    const cached = await timedRun({ ...base, train: 'top:4' });
    const sampled = await sampledTrainingRate({ ...base, train: 'top:4', featureCache: 'off' }, 1);
    const uncached = extrapolate(sampled.imagesPerSec);
    // An uncached epoch runs the prefix and the suffix over every image: U = P + S. Any cache still runs
    // the prefix once and the suffix every epoch, so it takes at least P + EPOCHS·S = U + (EPOCHS − 1)·S,
    // and no cache beats EPOCHS·U / (U + (EPOCHS − 1)·S): below EPOCHS, and lower as the suffix grows.
    const suffixEpoch = cached.trainSeconds / cached.epochsRun;
    const uncachedEpoch = uncached / EPOCHS;
    const ceiling = (EPOCHS * uncachedEpoch) / (uncachedEpoch + (EPOCHS - 1) * suffixEpoch);
    figures.top4 = { cachedSeconds: cached.seconds, cacheUsed: cached.featureCache, valAccuracy: cached.result.valAccuracy, uncachedImagesPerSec: sampled.imagesPerSec, uncachedSecondsExtrapolated: uncached, suffixEpochSeconds: suffixEpoch, ceiling };
    rows.push({ name: `MobileNetV2 top:4, ${EPOCHS} epochs, freeze-boundary cache`, value: cached.seconds, unit: 's', note: `val acc ${cached.result.valAccuracy.toFixed(3)}` });
    rows.push({ name: '  one suffix epoch on the cache (train + validation)', value: suffixEpoch, unit: 's', note: `${(trainImages / suffixEpoch).toFixed(0)} img/s` });
    rows.push({ name: '  same without cache (sampled 1 batch, extrapolated)', value: uncached, unit: 's', note: `${sampled.imagesPerSec.toFixed(2)} img/s training` });
    rows.push({ name: '  ratio: no cache / cache (target ≥ 10)', value: uncached / cached.seconds, unit: '×' });
    rows.push({ name: `  ceiling for any cache with this suffix cost (< ${EPOCHS})`, value: ceiling, unit: '×', note: 'prefix once + the suffix every epoch' });
  }

  if (wants('sweep')) {
    const sweep = await sweepBench(base);
    const { rows: sweepRows, ...sweepFigures } = sweep;
    figures.sweep = sweepFigures;
    rows.push(...sweepRows);
  }

  if (wants('peer') && !values['skip-peer']) {
    const peer = runPytorchPeer(quick ? 1 : 3, cores);
    figures.pytorch = peer;
    if ('skipped' in peer) {
      rows.push({ name: 'PyTorch peer', value: NaN, unit: '', note: peer.skipped });
    } else {
      // A plain PyTorch loop re-runs the backbone each epoch: train at the frozen-head rate, validate at the inference rate.
      const loop = EPOCHS * (trainImages / peer.frozen_head_ips + valImages / peer.inference_ips);
      figures.pytorchFrozenLoopSeconds = loop;
      rows.push({ name: `PyTorch ${peer.torch} MobileNetV2 inference, batch 32`, value: peer.inference_ips, unit: 'img/s' });
      rows.push({ name: 'PyTorch frozen backbone, head training', value: peer.frozen_head_ips, unit: 'img/s' });
      rows.push({ name: 'PyTorch full fine-tune', value: peer.full_finetune_ips, unit: 'img/s' });
      rows.push({ name: 'PyTorch channels_last: inference / frozen head / full', value: peer.channels_last.inference_ips, unit: 'img/s', note: `${peer.channels_last.frozen_head_ips.toFixed(2)} / ${peer.channels_last.full_finetune_ips.toFixed(2)} img/s; BLAS ${peer.blas.map((b) => b.split('/').pop()).join(', ')}` });
      const extraction = figures.extraction as { wasm: number; wasmAllThreads: number } | undefined;
      const best = (mode: 'inference_ips' | 'full_finetune_ips') => Math.max(peer[mode], peer.channels_last[mode]);
      if (extraction) rows.push({ name: `  ratio: wasm extraction (${cores} threads) / best PyTorch inference (target ≥ 1.5)`, value: extraction.wasmAllThreads / best('inference_ips'), unit: '×' });
      // Both sides on every core: the peer runs with as many threads as the machine has.
      const full = figures.full as { imagesPerSecAllThreads: number } | undefined;
      if (full) rows.push({ name: `  ratio: wasm full fine-tune (${cores} threads) / best PyTorch full fine-tune (target ≥ 0.25)`, value: full.imagesPerSecAllThreads / best('full_finetune_ips'), unit: '×' });
      rows.push({ name: `PyTorch plain loop, ${EPOCHS} epochs frozen base (from its rates)`, value: loop, unit: 's' });
      const frozen = figures.frozenBase as { cachedSeconds: number } | undefined;
      if (frozen) rows.push({ name: '  ratio: tfjs cached / PyTorch loop (target ≤ 0.2)', value: frozen.cachedSeconds / loop, unit: '×' });
    }
  }

  if (named('gpu')) {
    const batches = (values['gpu-batches'] ?? (quick ? '8' : '32,128')).split(',').map(Number);
    const gpu = await runGpuBench(fixtureDir('mobilenet_v2'), batches, Number(values['gpu-reps'] ?? (quick ? 1 : 3)));
    figures.gpu = gpu.figures;
    rows.push(...gpu.rows);
  }

  if (wants('ui')) {
    // Layers tree (InceptionV3) and host event-loop lag while training; also writes bench/results/ui-<time>.json.
    const ui = await runUiBench({ reps: quick ? 5 : 20 });
    figures.ui = ui.figures;
    rows.push(...ui.rows);
  }

  figures.machine = { ...(figures.machine as object), loadAverageAtEnd: loadavg() };
  rows.push({ name: 'load average (1 min) at start / end', value: (figures.machine as { loadAverageAtStart: number[] }).loadAverageAtStart[0], unit: '', note: `${loadavg()[0].toFixed(1)} at the end, on ${cores} cores` });
  printReport(rows);
  const dir = resolve('bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${figures.startedAt as string}.json`.replace(/:/g, '-'));
  writeFileSync(file, JSON.stringify({ ...figures, rows }, null, 2));
  writeFileSync(join(dir, 'latest.json'), JSON.stringify({ ...figures, rows }, null, 2));
  console.log(`\nwrote ${file}`);
}

main().catch((err) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
