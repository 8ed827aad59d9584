// Runs the PyTorch peer (bench/pytorch_peer.py) side by side, when torch is importable.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PeerModeRates {
  inference_ips: number;
  frozen_head_ips: number;
  full_finetune_ips: number;
}

export interface PeerRates extends PeerModeRates {
  torch: string;
  threads: number;
  /** The BLAS libraries mapped into the peer's process (/proc/self/maps). */
  blas: string[];
  channels_last: PeerModeRates;
}

const PYTHON = '/usr/bin/python3';

/** Debian's OpenBLAS with pthreads, as DESIGN.md prescribes for a fair peer; SkylakeX kernels only where the CPU has AVX-512. */
function peerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-pthread' };
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  if (/\bavx512f\b/.test(cpuinfo)) env.OPENBLAS_CORETYPE = 'SkylakeX';
  return env;
}

/**
 * Which BLAS the peer ran on, from the libraries its process mapped. Debian's
 * reference BLAS lives in `…/blas/libblas.so.3*`; OpenBLAS names itself. A
 * torch that links MKL statically maps neither.
 */
export function blasKind(paths: readonly string[]): 'openblas' | 'reference' | 'unknown' {
  if (paths.some((p) => /openblas/i.test(p))) return 'openblas';
  if (paths.some((p) => /\/blas\/libblas\.so/.test(p))) return 'reference';
  return 'unknown';
}

/**
 * The peer's rates, or the reason there are none. A peer on the reference
 * BLAS is refused: it is 2–3× slower than the PyTorch users run, so every
 * ratio against it would flatter us.
 */
export function runPytorchPeer(reps: number, threads: number): PeerRates | { skipped: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: 'python3-torch / python3-torchvision not installed (apt-get install python3-torch python3-torchvision libopenblas0-pthread)' };
  const run = spawnSync(PYTHON, [join(__dirname, 'pytorch_peer.py'), String(reps), String(threads)], { encoding: 'utf8', env: peerEnv(), timeout: 30 * 60_000 });
  if (run.status !== 0) return { skipped: `the PyTorch peer failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}` };
  const rates = JSON.parse(run.stdout.trim().split('\n').pop()!) as PeerRates;
  if (blasKind(rates.blas) === 'reference') {
    return { skipped: `PyTorch ran on the reference BLAS (${rates.blas.join(', ')}), 2–3× slower than with OpenBLAS: no peer figures or ratios. Install libopenblas0-pthread.` };
  }
  return rates;
}
