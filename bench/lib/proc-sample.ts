import { readdirSync, readFileSync } from 'node:fs';

/** One process as /proc shows it: what the soak samples (Linux only). */
export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  rssKb: number;
  fds: number;
}

function read(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces: the fields after the last ')' are fixed.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return { pid, ppid, comm, rssKb: Number(rss ?? 0), fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return null; // gone, or not ours to read
  }
}

/** Every live descendant of `root` (and root itself). */
export function processTree(root: number): ProcInfo[] {
  const all: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = read(Number(name));
    if (p) all.push(p);
  }
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const self = all.find((p) => p.pid === root);
  const walk = (pid: number) => {
    for (const c of byParent.get(pid) ?? []) {
      out.push(c);
      walk(c.pid);
    }
  };
  if (self) out.push(self);
  walk(root);
  return out;
}

/** RSS and fds summed over the processes whose command matches. */
export function sum(ps: ProcInfo[], match: (p: ProcInfo) => boolean) {
  const m = ps.filter(match);
  return { n: m.length, rssKb: m.reduce((a, p) => a + p.rssKb, 0), fds: m.reduce((a, p) => a + p.fds, 0) };
}
