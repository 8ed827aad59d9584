// Runs the PyTorch peer (bench/pytorch_peer.py) side by side, when torch is importable.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PeerRates {
  torch: string;
  threads: number;
  inference_ips: number;
  frozen_head_ips: number;
  full_finetune_ips: number;
}

const PYTHON = '/usr/bin/python3';

/** Debian's OpenBLAS with pthreads, as DESIGN.md prescribes for a fair peer; SkylakeX kernels only where the CPU has AVX-512. */
function peerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-pthread' };
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  if (/\bavx512f\b/.test(cpuinfo)) env.OPENBLAS_CORETYPE = 'SkylakeX';
  return env;
}

/** The peer's rates, or the reason it could not run. */
export function runPytorchPeer(reps: number): PeerRates | { skipped: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: 'python3-torch / python3-torchvision not installed (apt-get install python3-torch python3-torchvision libopenblas0-pthread)' };
  const run = spawnSync(PYTHON, [join(__dirname, 'pytorch_peer.py'), String(reps)], { encoding: 'utf8', env: peerEnv(), timeout: 15 * 60_000 });
  if (run.status !== 0) return { skipped: `the PyTorch peer failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}` };
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as PeerRates;
}
