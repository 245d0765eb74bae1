import type { Blocklist } from '@edgelive/shared';

/**
 * Blocklist patterns come from customers and run on every message, so they must not be able to
 * stall the object (workerd freezes clocks during execution, so a runtime time budget is not an
 * option). We accept a subset of regular expressions whose worst case is bounded by construction:
 * no backreferences or lookarounds, no quantifier on a group that itself repeats or branches, and
 * repetition capped (`*` and `+` become `{0,16}` and `{1,16}`), so the number of ways a pattern
 * can match at one position (the product of its repetition counts and branches) stays at or under
 * MAX_PATHS. Cost per message is then at most length x MAX_PATHS steps.
 */
export const MAX_PATHS = 10_000;
const UNBOUNDED_CAP = 16;
const MAX_REPEAT = 100;

export type PatternCheck = { ok: true; source: string } | { ok: false; reason: string };

interface Group {
  alternatives: number;
  repeats: boolean;
}

export function checkPattern(src: string): PatternCheck {
  let out = '';
  let paths = 1;
  const stack: Group[] = [];
  const top: Group = { alternatives: 1, repeats: false };
  // What a quantifier would apply to: a plain atom, or a group with what it held.
  let last: { kind: 'atom' } | { kind: 'group'; group: Group } | null = null;
  const fail = (reason: string): PatternCheck => ({ ok: false, reason: `${reason} (in ${JSON.stringify(src)})` });
  const current = () => stack[stack.length - 1] ?? top;

  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '\\') {
      const next = src[i + 1];
      if (next === undefined) return fail('trailing backslash');
      if (/[1-9k]/.test(next)) return fail('backreferences are not allowed');
      out += ch + next;
      i++;
      last = { kind: 'atom' };
    } else if (ch === '[') {
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) return fail('unclosed character class');
      out += src.slice(i, j + 1);
      i = j;
      last = { kind: 'atom' };
    } else if (ch === '(') {
      if (src[i + 1] === '?') {
        if (src[i + 2] !== ':') return fail('lookarounds and named groups are not allowed');
        out += '(?:';
        i += 2;
      } else {
        out += '(?:'; // capture groups buy nothing here and cost memory
      }
      stack.push({ alternatives: 1, repeats: false });
      last = null;
    } else if (ch === ')') {
      const g = stack.pop();
      if (!g) return fail('unbalanced parenthesis');
      paths *= g.alternatives;
      if (g.repeats) current().repeats = true;
      out += ')';
      last = { kind: 'group', group: g };
    } else if (ch === '|') {
      current().alternatives++;
      out += '|';
      last = null;
    } else if (ch === '*' || ch === '+' || ch === '?' || ch === '{') {
      if (!last) return fail('a quantifier needs something to repeat');
      if (last.kind === 'group' && (last.group.repeats || last.group.alternatives > 1)) {
        return fail('a repeated group may not itself repeat or branch');
      }
      let max: number;
      if (ch === '{') {
        const m = /^\{(\d{1,3})(,(\d{0,3}))?\}/.exec(src.slice(i));
        if (!m) return fail('malformed {n,m} quantifier');
        const min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? UNBOUNDED_CAP : Number(m[3]);
        if (max > MAX_REPEAT || min > max) return fail(`repetition is limited to ${MAX_REPEAT}`);
        out += `{${min},${max}}`;
        i += m[0].length - 1;
      } else {
        max = ch === '?' ? 1 : UNBOUNDED_CAP;
        out += ch === '?' ? '?' : `{${ch === '*' ? 0 : 1},${UNBOUNDED_CAP}}`;
      }
      if (src[i + 1] === '?') {
        out += '?';
        i++;
      }
      paths *= max + 1;
      current().repeats = true;
      last = null;
    } else {
      out += ch;
      last = { kind: 'atom' };
    }
    if (paths > MAX_PATHS) return fail('the pattern is too complex');
  }
  if (stack.length) return fail('unbalanced parenthesis');
  paths *= top.alternatives;
  if (paths > MAX_PATHS) return fail('the pattern is too complex');
  try {
    new RegExp(out, 'iu');
  } catch {
    return fail('not a valid regular expression');
  }
  return { ok: true, source: out };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Returns the reasons a blocklist would be refused; empty when every pattern is acceptable. */
export function blocklistProblems(b: Blocklist): string[] {
  return b.patterns.map(checkPattern).flatMap((r) => (r.ok ? [] : [r.reason]));
}

export interface CompiledBlocklist {
  action: Blocklist['action'];
  matches(text: string): boolean;
}

/** Compiles once per settings change; patterns that fail the check are skipped, never run. */
export function compileBlocklist(b: Blocklist): CompiledBlocklist {
  const res: RegExp[] = [];
  if (b.words.length) {
    // Whole words: letters, digits or _ on either side mean it is part of a longer word.
    res.push(new RegExp(`(?<![\\p{L}\\p{N}_])(?:${b.words.map(escapeRegex).join('|')})(?![\\p{L}\\p{N}_])`, 'iu'));
  }
  for (const p of b.patterns) {
    const r = checkPattern(p);
    if (r.ok) res.push(new RegExp(r.source, 'iu'));
  }
  return { action: b.action, matches: (text) => res.some((re) => re.test(text)) };
}
