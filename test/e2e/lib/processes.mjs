// Process-group bookkeeping. The server is spawned detached, so it leads its
// own group and its children (file watcher, extension host, trainer
// processes) are in it too: one kill reaches them all, and `ps -g` tells
// whether anything survived.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of live (non-zombie) processes in process group `pgid`, read from /proc. */
export function groupMembers(pgid) {
  const members = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after the parenthesised command name: state ppid pgrp …
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
  }
  return members;
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Command lines of `pids`, for a failure message a person can act on. */
export function describe(pids) {
  if (pids.length === 0) return '';
  try {
    return execFileSync('ps', ['-o', 'pid=,pgid=,args=', '-p', pids.join(',')], { encoding: 'utf8' }).trim();
  } catch {
    return pids.join(', ');
  }
}

/** SIGTERM the group, wait, then SIGKILL whatever is left. Resolves when the group is empty. */
export async function killGroup(pgid, { graceMs = 5000 } = {}) {
  const signal = (sig) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // ESRCH: the group is already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupMembers(pgid).length > 0 && Date.now() < deadline) await sleep(100);
  if (groupMembers(pgid).length > 0) {
    signal('SIGKILL');
    const hardDeadline = Date.now() + 5000;
    while (groupMembers(pgid).length > 0 && Date.now() < hardDeadline) await sleep(100);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
