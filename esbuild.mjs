// One base config, three kinds of bundle: the extension host and the node
// processes it starts (trainer, CLI) are CommonJS for Node; the dashboard is
// an ES module for the browser.
//
// Every @tensorflow package stays external: tfjs-node registers its backend on
// the tfjs-core it finds in node_modules, so a second, bundled copy of
// tfjs-core would never see it. sharp is native and stays external too, and
// so are two ES modules that find their binaries through import.meta.url, which
// a CommonJS bundle does not have: h5wasm (its wasm; loaded with import() on
// first use) and webgpu (its dawn.node).
import * as esbuild from 'esbuild';

const args = process.argv.slice(2);
const watch = args.includes('--watch');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const production = args.includes('--production');

const base = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

const nodeBase = {
  ...base,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', '@tensorflow/*', 'sharp', 'h5wasm', 'webgpu'],
};

/** @type {Record<string, import('esbuild').BuildOptions>} */
const bundles = {
  extension: { ...nodeBase, entryPoints: { extension: 'src/extension/main.ts' } },
  trainer: { ...nodeBase, entryPoints: { trainer: 'src/trainer/main.ts' } },
  cli: { ...nodeBase, entryPoints: { cli: 'src/cli/main.ts' }, banner: { js: '#!/usr/bin/env node' } },
  // The worker thread the trainer and the CLI start for feature extraction and training on every core (src/engine/parallel/).
  poolWorker: { ...nodeBase, entryPoints: { poolWorker: 'src/engine/parallel/poolWorker.ts' } },
  webview: {
    ...base,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    entryPoints: { webview: 'src/webview/main.ts' },
    loader: { '.css': 'css' },
  },
  /** The comparison view (sweeps and Compare Runs): its own page, same rules as the dashboard's. */
  compare: {
    ...base,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    entryPoints: { compare: 'src/webview/compare/main.ts' },
    loader: { '.css': 'css' },
  },
};

const selected = Object.entries(bundles).filter(([name]) => !only || only.split(',').includes(name));
for (const [name, options] of selected) {
  const opts = { ...options, outdir: 'dist' };
  if (watch) {
    const ctx = await esbuild.context(opts);
    await ctx.watch();
  } else {
    await esbuild.build(opts).catch(() => {
      console.error(`esbuild: the ${name} bundle failed`);
      process.exit(1);
    });
  }
}
