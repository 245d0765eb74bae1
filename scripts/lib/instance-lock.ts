import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * One local stack per checkout: a second `start` finds the first one's pid here and says so,
 * instead of failing later on a busy port or a locked SQLite file.
 */
export function acquireLock(path: string): { ok: true } | { ok: false; pid: number } {
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8'));
    if (pid && isAlive(pid)) return { ok: false, pid };
  }
  writeFileSync(path, String(process.pid));
  return { ok: true };
}

export function releaseLock(path: string) {
  if (existsSync(path) && Number(readFileSync(path, 'utf8')) === process.pid) rmSync(path);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
