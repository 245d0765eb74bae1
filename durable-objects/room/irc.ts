/**
 * IRC lines (RFC 1459 with IRCv3 message tags, which Twitch chat sends): parsed into their parts
 * and built back. Pure, so the chat connector's parsing is pinned by unit tests.
 */
export interface IrcLine {
  tags: Record<string, string>;
  prefix: string | null;
  command: string;
  params: string[];
}

const unescapeTag = (v: string) =>
  v.replace(/\\(.)/g, (_, c: string) => ({ ':': ';', s: ' ', r: '\r', n: '\n', '\\': '\\' })[c] ?? c);

export function parseIrcLine(raw: string): IrcLine | null {
  let line = raw.replace(/\r?\n$/, '');
  if (!line) return null;
  const tags: Record<string, string> = {};
  if (line.startsWith('@')) {
    const sp = line.indexOf(' ');
    if (sp < 0) return null;
    for (const kv of line.slice(1, sp).split(';')) {
      const eq = kv.indexOf('=');
      if (eq < 0) tags[kv] = '';
      else tags[kv.slice(0, eq)] = unescapeTag(kv.slice(eq + 1));
    }
    line = line.slice(sp + 1).trimStart();
  }
  let prefix: string | null = null;
  if (line.startsWith(':')) {
    const sp = line.indexOf(' ');
    if (sp < 0) return null;
    prefix = line.slice(1, sp);
    line = line.slice(sp + 1).trimStart();
  }
  const trailingAt = line.indexOf(' :');
  const head = trailingAt >= 0 ? line.slice(0, trailingAt) : line;
  const params = head.split(' ').filter(Boolean);
  const command = params.shift();
  if (!command) return null;
  if (trailingAt >= 0) params.push(line.slice(trailingAt + 2));
  return { tags, prefix, command: command.toUpperCase(), params };
}

/** The nick of a `nick!user@host` prefix. */
export const nickOf = (prefix: string | null) => (prefix ?? '').split('!')[0] ?? '';

/** One chat line from another user, as the room takes it; null for everything else. */
export function chatMessageOf(l: IrcLine, channel: string): { author: string; text: string; id: string | null } | null {
  if (l.command !== 'PRIVMSG' || l.params[0]?.toLowerCase() !== channel.toLowerCase()) return null;
  const text = l.params[1] ?? '';
  const author = l.tags['display-name'] || nickOf(l.prefix);
  if (!author || !text) return null;
  return { author, text, id: l.tags.id ?? null };
}

/**
 * Twitch's CLEARMSG: a moderator there deleted one message; `target-msg-id` is the `id` tag its
 * PRIVMSG carried. Null for every other line.
 */
export function deletedMessageOf(l: IrcLine, channel: string): string | null {
  if (l.command !== 'CLEARMSG' || l.params[0]?.toLowerCase() !== channel.toLowerCase()) return null;
  return l.tags['target-msg-id'] || null;
}

/** A line to send; CR, LF and NUL would end it early or smuggle another command, so they go. */
export const ircLine = (...parts: string[]) => `${parts.map((p) => p.replace(/[\r\n\0]/g, ' ')).join(' ')}\r\n`;
