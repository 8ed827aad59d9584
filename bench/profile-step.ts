// `node --import tsx bench/profile-step.ts [--batch 8] [--reps 2]`: where one
// training pass of MobileNetV2-224 with every layer trainable spends its time
// on wasm. Every wasm kernel is wrapped with a timer that counts only the
// outermost kernel, so a kernel built from other kernels (wasmGradients.ts)
// is charged once, with what it calls inside, and the shares add up. What the
// kernels do not cover (tape, gradient functions, tidy) is printed as the rest.
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { tf } from '../src/engine/tf';
import { selectBackend } from '../src/engine/backend/select';
import { applyFreeze, attachHead, findDefaultCut, resolveTrainable } from '../src/engine/model/transfer';
import { loadLayersModelFromDir } from '../src/engine/model/load';
import { crossEntropy } from '../src/engine/train/loss';
import { fixtureDir } from '../test/helpers/nsfwjsFixtures';

const { values } = parseArgs({ options: { batch: { type: 'string' }, reps: { type: 'string' }, top: { type: 'string' }, inner: { type: 'boolean' } } });
const batch = Number(values.batch ?? 8);
const reps = Number(values.reps ?? 2);

const totals = new Map<string, { ms: number; calls: number }>();
/** Kernels run inside another kernel, as 'outer > inner' (printed with --inner). */
const nested = new Map<string, { ms: number; calls: number }>();
const stack: string[] = [];

function charge(map: Map<string, { ms: number; calls: number }>, key: string, ms: number): void {
  const entry = map.get(key) ?? { ms: 0, calls: 0 };
  entry.ms += ms;
  entry.calls++;
  map.set(key, entry);
}

/** Re-registers every wasm kernel behind a timer of its outermost calls. */
function timeEveryKernel(): void {
  for (const kernel of tf.getKernelsForBackend('wasm')) {
    const inner = kernel.kernelFunc;
    const kernelFunc: tf.KernelFunc = (args) => {
      const outer = stack[0];
      stack.push(kernel.kernelName);
      const start = performance.now();
      try {
        return inner(args);
      } finally {
        stack.pop();
        const ms = performance.now() - start;
        if (outer === undefined) charge(totals, kernel.kernelName, ms);
        else if (stack.length === 1) charge(nested, `${outer} > ${kernel.kernelName}`, ms);
      }
    };
    tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel({ ...kernel, kernelFunc });
  }
}

async function main(): Promise<void> {
  await selectBackend({ requested: 'wasm' });
  const base = await loadLayersModelFromDir(fixtureDir('mobilenet_v2'));
  const model = attachHead(base, { cut: findDefaultCut(base), numClasses: 5, dropout: 0.2, seed: 42 });
  applyFreeze(model, resolveTrainable(model, 'all'), 'inference');
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.randomUniform([batch, 224, 224, 3], -1, 1, 'float32', 7);
  const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 5), 'int32');
  const pass = () => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, labels), vars);
    tf.dispose([value, ...Object.values(grads)]);
  };
  pass(); // warm-up: XNNPACK packs weights, V8 compiles
  timeEveryKernel();
  const load = loadavg()[0];
  const start = performance.now();
  for (let r = 0; r < reps; r++) pass();
  const wall = (performance.now() - start) / reps;
  const rows = [...totals].map(([name, t]) => ({ name, ms: t.ms / reps, calls: t.calls / reps })).sort((a, b) => b.ms - a.ms);
  const kernelMs = rows.reduce((s, r) => s + r.ms, 0);
  console.log(`MobileNetV2-224, every layer trainable, batch ${batch}, wasm, ${reps} passes; load ${load.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
  console.log(`one pass: ${wall.toFixed(0)} ms wall (${((batch * 1000) / wall).toFixed(2)} img/s), ${kernelMs.toFixed(0)} ms in kernels`);
  console.log('kernel                                      ms/pass  calls  share of wall');
  for (const r of rows.slice(0, Number(values.top ?? 15))) {
    console.log(`${r.name.padEnd(42)} ${r.ms.toFixed(0).padStart(8)} ${String(r.calls).padStart(6)}  ${((100 * r.ms) / wall).toFixed(1).padStart(5)}%`);
  }
  if (values.inner) {
    for (const [name, t] of [...nested].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(`  ${name.padEnd(50)} ${(t.ms / reps).toFixed(0).padStart(6)} ms ${String(t.calls / reps).padStart(6)} calls`);
  }
  console.log(`${'(outside kernels)'.padEnd(42)} ${(wall - kernelMs).toFixed(0).padStart(8)}         ${((100 * (wall - kernelMs)) / wall).toFixed(1).padStart(5)}%`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
