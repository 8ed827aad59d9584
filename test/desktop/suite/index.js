// Runs inside desktop VS Code's extension host (loaded by @vscode/test-electron,
// which calls run() and fails the suite if it rejects). No test framework: a
// short list of checks, reported one line each.
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'finetune-studio.finetune-studio';
const manifest = require(path.join(__dirname, '..', '..', '..', 'package.json'));

const checks = [
  ['the extension is installed for development', async () => {
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID), `${EXTENSION_ID} not found`);
  }],
  ['it activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    await extension.activate();
    assert.equal(extension.isActive, true);
  }],
  ['every command in package.json is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `not registered: ${missing.join(', ')}`);
  }],
  ['the Finetune view container exists', async () => {
    // VS Code generates this command for each contributed view container.
    await vscode.commands.executeCommand('workbench.view.extension.finetune');
  }],
  ['Finetune: Show Dashboard opens a webview tab', async () => {
    await vscode.commands.executeCommand('finetune.showDashboard');
    const deadline = Date.now() + 10_000;
    const isDashboard = (tab) => tab.input instanceof vscode.TabInputWebview && tab.label === 'Finetune Dashboard';
    while (!vscode.window.tabGroups.all.some((g) => g.tabs.some(isDashboard))) {
      assert.ok(Date.now() < deadline, 'no "Finetune Dashboard" webview tab after 10 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }],
];

async function run() {
  const failures = [];
  for (const [name, check] of checks) {
    try {
      await check();
      console.log(`✔ ${name}`);
    } catch (error) {
      failures.push(name);
      console.log(`✖ ${name}\n  ${error && error.stack ? error.stack : error}`);
    }
  }
  console.log(`desktop suite: ${checks.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length > 0) throw new Error(`${failures.length} desktop check(s) failed: ${failures.join('; ')}`);
}

module.exports = { run };
