// The VSIX is what users install, so it must carry every module the bundles
// leave external (@tensorflow/*, sharp). This loads them from the installed
// copy, in a fresh Node with nothing above it to fall back on, and runs a
// tiny op on each, so a .vscodeignore rule that drops a needed file fails here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_ID, describe, scenario } from '../harness.mjs';

const probe = `
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const sharp = require('sharp');
(async () => {
  await tf.setBackend('wasm');
  const sum = tf.tensor([1, 2, 3]).sum().dataSync()[0];
  const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: 'red' } }).png().toBuffer();
  const meta = await sharp(png).metadata();
  console.log(JSON.stringify({ backend: tf.getBackend(), sum, format: meta.format }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('packaged extension', () => {
  scenario('the installed VSIX loads tfjs (wasm backend) and sharp from its own node_modules', async ({ session }) => {
    const [folder] = readdirSync(session.extensionsDir).filter((name) => name.startsWith(`${EXTENSION_ID}-`));
    assert.ok(folder, `no ${EXTENSION_ID} in ${session.extensionsDir}`);
    const root = join(session.extensionsDir, folder);
    for (const file of ['dist/extension.js', 'dist/trainer.js', 'dist/webview.js', 'media']) {
      assert.ok(existsSync(join(root, file)), `the VSIX lacks ${file}`);
    }
    const env = { ...process.env };
    delete env.NODE_PATH;
    const out = execFileSync(process.execPath, ['-e', probe], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop()), { backend: 'wasm', sum: 6, format: 'png' });
  });

  scenario("the VSIX carries only this platform's dawn.node and sharp binaries", async ({ session }) => {
    const [folder] = readdirSync(session.extensionsDir).filter((name) => name.startsWith(`${EXTENSION_ID}-`));
    const modules = join(session.extensionsDir, folder, 'node_modules');
    const target = `${process.platform}-${process.arch}`;
    assert.deepEqual(readdirSync(join(modules, 'webgpu', 'dist')), [target]);
    assert.ok(existsSync(join(modules, 'webgpu', 'dist', target, 'dawn.node')));
    const sharpBinaries = readdirSync(join(modules, '@img')).filter((name) => name.startsWith('sharp-'));
    assert.ok(sharpBinaries.length > 0 && sharpBinaries.every((name) => name.endsWith(`-${target}`)), sharpBinaries.join(', '));
  });
});
