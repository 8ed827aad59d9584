// `node --import tsx bench/ceiling.ts [--pytorch-ips N]`: how fast wasm could
// possibly extract MobileNetV2 features on this machine, from measured peaks:
//  - the CPU (model, AVX-512/FMA flags) and its clock, from a chain of
//    dependent integer adds in wasm (one per cycle);
//  - the peak float32 rate of wasm SIMD128 under V8 on one thread: independent
//    f32x4 multiply and add chains (SIMD128 has no fused multiply-add);
//  - tfjs-wasm's own matrix product (XNNPACK) on one thread, the best any of
//    its convolutions can do;
//  - MobileNetV2's multiply-adds per image, counted from the Keras model's
//    layer shapes (the extraction prefix, the default cut, and the whole net).
// With --pytorch-ips (PyTorch's best inference rate from the bench, same
// machine) it prints the rate 1.5× that needs, and the GFLOP/s it implies.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import wabt from 'wabt';
import { tf } from '../src/engine/tf';
import { selectBackend } from '../src/engine/backend/select';
import { loadLayersModelFromDir } from '../src/engine/model/load';
import { findDefaultCut } from '../src/engine/model/transfer';
import { fixtureDir } from '../test/helpers/nsfwjsFixtures';

const CHAINS = 12; // independent f32x4 chains: enough to cover a 4-cycle latency on 2–3 ports
const WAT = `(module
  (func (export "clock") (param $n i32) (param $y i32) (result i32) (local $x i32)
    (loop $l ${'(local.set $x (i32.add (local.get $x) (local.get $y)))'.repeat(16)}
      (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))
    (local.get $x))
  (func (export "flops") (param $n i32) (param $m f32) (param $b f32) (result f32)
    ${Array.from({ length: CHAINS }, (_, i) => `(local $a${i} v128)`).join(' ')} (local $vm v128) (local $vb v128)
    (local.set $vm (f32x4.splat (local.get $m))) (local.set $vb (f32x4.splat (local.get $b)))
    ${Array.from({ length: CHAINS }, (_, i) => `(local.set $a${i} (f32x4.splat (f32.const ${i + 1})))`).join(' ')}
    (loop $l
      ${Array.from({ length: CHAINS }, (_, i) => `(local.set $a${i} (f32x4.add (f32x4.mul (local.get $a${i}) (local.get $vm)) (local.get $vb)))`).join('\n      ')}
      (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))
    (f32x4.extract_lane 0 ${Array.from({ length: CHAINS - 1 }, () => '(f32x4.add').join(' ')} (local.get $a0) ${Array.from({ length: CHAINS - 1 }, (_, i) => `(local.get $a${i + 1}))`).join(' ')}))
)`;

/** Best of `reps` timings of `f`, in seconds. */
function best(reps: number, f: () => void): number {
  let min = Infinity;
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    f();
    min = Math.min(min, (performance.now() - start) / 1000);
  }
  return min;
}

async function microBenchmarks(): Promise<{ clockGHz: number; simdGflops: number }> {
  const module = (await wabt()).parseWat('ceiling.wat', WAT, { simd: true });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(module.toBinary({}).buffer))).exports as { clock(n: number, y: number): number; flops(n: number, m: number, b: number): number };
  module.destroy();
  const n = 20_000_000;
  exports.clock(1000, 1);
  const clockGHz = (16 * n) / best(5, () => exports.clock(n, 1)) / 1e9;
  exports.flops(1000, 0.999, 0.001);
  const simdGflops = (n * CHAINS * 2 * 4) / best(5, () => exports.flops(n, 0.999, 0.001)) / 1e9;
  return { clockGHz, simdGflops };
}

/** XNNPACK's matrix product through tfjs-wasm, one thread: GFLOP/s at 2·n³ per product. */
function matMulGflops(n: number): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose(); // packs b once; later products reuse the packed weights, as a convolution does
  const seconds = best(5, () => tf.matMul(a, b).dispose());
  tf.dispose([a, b]);
  return (2 * n ** 3) / seconds / 1e9;
}

/** Multiply-adds of one image through `layers` (Conv2D, DepthwiseConv2D, Dense), from their output and kernel shapes. */
function multiplyAdds(layers: tf.layers.Layer[]): number {
  let macs = 0;
  for (const layer of layers) {
    const kind = layer.getClassName();
    if (kind !== 'Conv2D' && kind !== 'DepthwiseConv2D' && kind !== 'Dense') continue;
    const kernel = layer.weights[0].shape as number[]; // [kh, kw, cin, cout or multiplier] or [in, out]
    const out = layer.outputShape as number[];
    macs += kind === 'Dense' ? kernel[0] * kernel[1] : out[1] * out[2] * kernel.reduce((a, b) => a * b, 1);
  }
  return macs;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'pytorch-ips': { type: 'string' } } });
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown';
  const flags = new Set(/flags\s*:\s*(.*)/.exec(cpuinfo)?.[1].split(' ') ?? []);
  const cores = availableParallelism();
  const { clockGHz, simdGflops } = await microBenchmarks();
  await selectBackend({ requested: 'wasm' });
  const matmul = Math.max(matMulGflops(1024), matMulGflops(2048));
  const net = await loadLayersModelFromDir(fixtureDir('mobilenet_v2'));
  const cut = findDefaultCut(net);
  const prefix = net.layers.slice(0, net.layers.findIndex((l) => l.name === cut) + 1);
  const [prefixMacs, allMacs] = [multiplyAdds(prefix), multiplyAdds(net.layers)];
  const avx512Peak = clockGHz * (flags.has('avx512f') ? 16 : 8) * 2 * 2; // lanes × 2 FMA ports × 2 flops
  console.log(`CPU: ${model}, ${cores} cores; avx512f ${flags.has('avx512f')}, fma ${flags.has('fma')}; clock ≈ ${clockGHz.toFixed(2)} GHz (dependent adds)`);
  console.log(`native FP32 peak per core (2 FMA ports × ${flags.has('avx512f') ? 16 : 8} lanes × 2 flops): ≈ ${avx512Peak.toFixed(0)} GFLOP/s`);
  console.log(`wasm SIMD128 peak, 1 thread (f32x4 mul + add, ${CHAINS} chains): ${simdGflops.toFixed(1)} GFLOP/s = ${(simdGflops / clockGHz).toFixed(1)} flop/cycle`);
  console.log(`tfjs-wasm matMul (XNNPACK), 1 thread, best of 1024³ and 2048³: ${matmul.toFixed(1)} GFLOP/s`);
  console.log(`MobileNetV2-224: ${(allMacs / 1e9).toFixed(3)} GMAC per image in all; the extraction prefix (to ${cut}): ${(prefixMacs / 1e9).toFixed(3)} GMAC = ${((2 * prefixMacs) / 1e9).toFixed(3)} GFLOP`);
  const ceiling = (threads: number) => (threads * matmul * 1e9) / (2 * prefixMacs);
  console.log(`wasm extraction ceiling at the matMul peak: ${ceiling(1).toFixed(1)} img/s on 1 thread, ${ceiling(cores).toFixed(1)} img/s on ${cores}`);
  const ips = Number(values['pytorch-ips']);
  if (ips > 0) {
    const needed = 1.5 * ips;
    console.log(`PyTorch ${ips} img/s = ${((ips * 2 * prefixMacs) / 1e9).toFixed(1)} GFLOP/s achieved; 1.5× needs ${needed.toFixed(1)} img/s = ${((needed * 2 * prefixMacs) / 1e9 / cores).toFixed(1)} GFLOP/s per core: ${needed > ceiling(cores) ? 'above' : 'within'} wasm's ceiling (${(needed / ceiling(cores)).toFixed(2)}× it)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
