import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Every internal link of a built site, checked: each `href`/`src` that is not another origin must
 * name a file in the site (a folder means its index.html), and a `#fragment` must be an `id` on the
 * page it points to. Returns one line per broken link, `page -> target (why)`.
 */
const walk = (d: string): string[] =>
  readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));

export function brokenLinks(site: string): string[] {
  const pages = walk(site).filter((f) => f.endsWith('.html'));
  const ids = new Map<string, Set<string>>();
  const idsOf = (file: string) => {
    let set = ids.get(file);
    if (!set) {
      set = new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
      ids.set(file, set);
    }
    return set;
  };
  const broken: string[] = [];
  for (const page of pages) {
    const html = readFileSync(page, 'utf8');
    for (const [, link] of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      if (!link || /^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//')) continue;
      const [pathPart, fragment] = link.split('#') as [string, string | undefined];
      const clean = decodeURIComponent(pathPart.split('?')[0]!);
      let target = clean === '' ? page : clean.startsWith('/') ? join(site, clean) : join(dirname(page), clean);
      if (existsSync(target) && statSync(target).isDirectory()) target = join(target, 'index.html');
      const from = relative(site, page);
      if (!existsSync(target)) broken.push(`${from} -> ${link} (no such file)`);
      else if (fragment && target.endsWith('.html') && !idsOf(target).has(fragment))
        broken.push(`${from} -> ${link} (no id "${fragment}")`);
    }
  }
  return broken;
}
