import { describe, expect, it } from 'vitest';
import { chatMessageOf, deletedMessageOf, ircLine, parseIrcLine } from './irc';

describe('IRC lines', () => {
  it('parses a Twitch PRIVMSG with IRCv3 tags', () => {
    const l = parseIrcLine(
      '@badge-info=;color=#1E90FF;display-name=Alice\\sB;id=b34ccfc7-4977-403a-8a94-33c6bac34fb8 :alice!alice@alice.tmi.twitch.tv PRIVMSG #edgelive :hello there :)\r\n',
    )!;
    expect(l).toMatchObject({
      command: 'PRIVMSG',
      prefix: 'alice!alice@alice.tmi.twitch.tv',
      params: ['#edgelive', 'hello there :)'],
    });
    expect(l.tags['display-name']).toBe('Alice B');
    expect(chatMessageOf(l, '#EdgeLive')).toEqual({
      author: 'Alice B',
      text: 'hello there :)',
      id: 'b34ccfc7-4977-403a-8a94-33c6bac34fb8',
    });
  });

  it('parses plain lines, PING and numerics; ignores other channels and commands', () => {
    expect(parseIrcLine('PING :tmi.twitch.tv')).toEqual({
      tags: {},
      prefix: null,
      command: 'PING',
      params: ['tmi.twitch.tv'],
    });
    expect(parseIrcLine(':irc.local 001 bot :Welcome')!.command).toBe('001');
    const plain = parseIrcLine(':bob!b@h PRIVMSG #edgelive :hi')!;
    expect(chatMessageOf(plain, '#edgelive')).toEqual({ author: 'bob', text: 'hi', id: null });
    expect(chatMessageOf(plain, '#other')).toBeNull();
    expect(chatMessageOf(parseIrcLine(':bob!b@h JOIN #edgelive')!, '#edgelive')).toBeNull();
    expect(parseIrcLine('')).toBeNull();
  });

  it("reads Twitch's CLEARMSG (a message deleted there) by the id its PRIVMSG carried", () => {
    const l = parseIrcLine(
      '@login=alice;room-id=;target-msg-id=b34ccfc7-4977-403a-8a94-33c6bac34fb8;tmi-sent-ts=1642720582342 :tmi.twitch.tv CLEARMSG #edgelive :hello there\r\n',
    )!;
    expect(deletedMessageOf(l, '#EdgeLive')).toBe('b34ccfc7-4977-403a-8a94-33c6bac34fb8');
    expect(deletedMessageOf(l, '#other')).toBeNull();
    expect(deletedMessageOf(parseIrcLine(':tmi.twitch.tv CLEARMSG #edgelive :no id')!, '#edgelive')).toBeNull();
    expect(deletedMessageOf(parseIrcLine(':bob!b@h PRIVMSG #edgelive :hi')!, '#edgelive')).toBeNull();
  });

  it('builds lines that cannot smuggle a second command', () => {
    expect(ircLine('PRIVMSG', '#c', ':a\r\nQUIT')).toBe('PRIVMSG #c :a  QUIT\r\n');
  });
});
