import type { ServerFrame } from '@edgelive/shared';
import { newId } from '../../core/ids';
import type { FrameLimits } from './frame-limits';
import { outranks } from './moderation';
import type { Attachment } from './room-config';
import type { RoomContext } from './room-context';
import { memberOf } from './room-presence';
import { type MessageRow, renderMessage } from './room-store';
import { checkEdit, checkReact, checkSend, type ErrorFrame, errorFrame, typingGate } from './send-policy';

/** Pushes of reaction bursts are coalesced to at most one per this interval. */
export const PUSH_INTERVAL_MS = 1000;

/**
 * What each chat frame does once it has passed the connection's limits: the policy checks, the
 * store, and what goes out. A handler returns the error frame for the sender, or nothing.
 *
 * Restrictions apply to every frame that others would see: a muted user is refused (send, edit,
 * react) or ignored (typing, burst); a shadow-banned user's frames reach only their own sockets
 * (messages, edits, reactions) or nobody (typing, burst), so they cannot tell.
 */
export class Chat {
  private readonly bursts = new Map<string, number>();
  private burstPending = false;
  /** A message an external chat brought in was deleted here: the room deletes it there too (chat-connectors.ts). */
  onExternalRemoved: ((externalRef: string) => void) | null = null;

  constructor(
    private readonly room: RoomContext,
    private readonly limits: FrameLimits,
  ) {}

  private restrictions(a: Attachment) {
    return this.room.store.restrictionsOf(a.u, Date.now());
  }

  send(ws: WebSocket, a: Attachment, clientId: string, text: string, replyTo: string | null): ErrorFrame | null {
    const { store, out } = this.room;
    const now = Date.now();
    // Retried sends are answered with the original: the client id makes sending idempotent.
    const dup = store.byClientId(a.u, clientId);
    if (dup) {
      // Queued like the first ack: the original may still be waiting for this tick's write.
      out.queueTo(ws, { type: 'ack', client_id: clientId, message: store.render([dup])[0]!, duplicate: true });
      return null;
    }
    const r = this.restrictions(a);
    const blocklist = this.room.blocklist();
    const refused = checkSend({
      text,
      clientId,
      role: a.r,
      settings: this.room.config()!.settings,
      restrictions: r,
      blocklist,
      lastSentAt: this.room.config()!.settings.slow_mode_seconds ? store.lastSentAt(a.u) : null,
      now,
    });
    if (refused) return refused;
    const limit = this.limits.send(a.u, a.r, now);
    if (!limit.ok)
      return errorFrame('rate_limited', 'You are sending too fast.', { ref: clientId, retry_after: limit.retryAfter });
    if (replyTo && !store.byId(replyTo))
      return errorFrame('not_found', 'The message replied to does not exist.', { ref: clientId });
    const flagged = blocklist?.matches(text) ?? false;
    const shadow = r.has('shadow');
    // Written with the rest of the tick's messages (one commit per tick); the ack leaves after it.
    const row = store.queueMessage({
      id: newId('message'),
      kind: 'user',
      user_id: a.u,
      user_json: JSON.stringify(memberOf(a)),
      text,
      client_id: clientId,
      reply_to: replyTo,
      shadow: shadow ? 1 : 0,
      created_at: now,
    });
    this.room.meterMessage(a.u);
    // The author as a member, not parsed back from the row's JSON: this runs once per message.
    const message = { ...renderMessage({ ...row, user_json: null }, {}), user: memberOf(a) };
    out.queueTo(ws, { type: 'ack', client_id: clientId, message, duplicate: false });
    // The author sees their message everywhere they are connected; nobody else ever does.
    if (shadow) out.broadcastTo(`u:${a.u}`, { type: 'message', message }, ws);
    else out.broadcast({ type: 'message', message }, ws);
    if (flagged && !shadow) this.fileFlag(row, null, 'blocklist');
    return null;
  }

  /**
   * A message from an external chat (a connector): it passes the room's blocklist (a match is
   * dropped, never shown), then is stored and sent like any other, with its `source` and the
   * external author as the user (`<source>:<name>`, so moderators can delete it here).
   */
  external(
    source: 'twitch' | 'youtube',
    author: string,
    text: string,
    /** A stable id for the author where the chat has one (YouTube's channel id); else the name. */
    authorId: string | null = null,
    /** `<connector id>:<message id there>`, when the chat gives its messages ids. */
    externalRef: string | null = null,
  ): 'posted' | 'blocked' | 'empty' {
    const body = text.trim().slice(0, 2000);
    if (!body) return 'empty';
    if (this.room.blocklist()?.matches(body)) return 'blocked';
    const userId = `${source}:${authorId ?? author.toLowerCase()}`;
    const row = this.room.store.insertMessage({
      id: newId('message'),
      kind: 'user',
      user_id: userId,
      user_json: JSON.stringify({ id: userId, name: author, avatar: null, role: 'user' }),
      text: body,
      client_id: null,
      reply_to: null,
      shadow: 0,
      created_at: Date.now(),
      source,
      external_ref: externalRef,
    });
    this.room.out.broadcast({ type: 'message', message: renderMessage(row, {}) });
    return 'posted';
  }

  /** The message, if this user may see it; shadow-banned messages exist only for their author. */
  private visible(a: Attachment, id: string): MessageRow | ErrorFrame {
    const m = this.room.store.byId(id);
    if (!m || m.deleted_at || (m.shadow && m.user_id !== a.u))
      return errorFrame('not_found', 'No such message.', { ref: id });
    return m;
  }

  edit(a: Attachment, id: string, text: string): ErrorFrame | null {
    const m = this.visible(a, id);
    if ('type' in m) return m;
    const r = this.restrictions(a);
    const refused = checkEdit({
      messageId: id,
      authorId: m.user_id,
      userId: a.u,
      text,
      role: a.r,
      settings: this.room.config()!.settings,
      restrictions: r,
      blocklist: this.room.blocklist(),
      now: Date.now(),
    });
    if (refused) return refused;
    // A shadow-banned user editing a message from before the ban: the edit hides it from the room.
    const row = this.room.store.editMessage(id, text, Date.now(), r.has('shadow'));
    if (!row) return null;
    const message = this.room.store.render([row])[0]!;
    if (row.shadow) this.room.out.broadcastTo(`u:${a.u}`, { type: 'message_updated', message });
    else this.room.out.broadcast({ type: 'message_updated', message });
    return null;
  }

  delete(a: Attachment, id: string): ErrorFrame | null {
    const m = this.visible(a, id);
    if ('type' in m) return m;
    if (m.user_id !== a.u) {
      const author = m.user_json ? (JSON.parse(m.user_json) as { role: Attachment['r'] }).role : 'user';
      if (a.r === 'user') return errorFrame('forbidden', 'You can only delete your own messages.', { ref: id });
      if (m.kind === 'user' && !outranks(a.r, author))
        return errorFrame('forbidden', 'You can only delete messages of users below your own role.', { ref: id });
    }
    this.removeMessage(m, m.user_id === a.u ? null : a.u);
    return null;
  }

  /**
   * A message its external chat deleted (a moderator there, or its author): gone here too, as a
   * deletion with no moderator of ours; not sent back upstream, where it is already gone.
   */
  externalDeleted(ref: string): boolean {
    const m = this.room.store.byExternalRef(ref);
    return m ? this.removeMessage(m, null, false) : false;
  }

  removeMessage(m: MessageRow, moderator: string | null, upstream = true) {
    if (!this.room.store.deleteMessage(m.id, Date.now())) return false;
    if (m.external_ref && upstream) this.onExternalRemoved?.(m.external_ref);
    const frame: ServerFrame = { type: 'message_deleted', message_id: m.id };
    if (m.shadow) this.room.out.broadcastTo(`u:${m.user_id}`, frame);
    else this.room.out.broadcast(frame);
    if (moderator && !m.shadow) {
      this.room.out.broadcast({
        type: 'moderation',
        action: 'message_deleted',
        user_id: m.user_id,
        until: null,
        message_id: m.id,
      });
    }
    return true;
  }

  react(a: Attachment, id: string, emoji: string, on: boolean): ErrorFrame | null {
    const { store, out } = this.room;
    const m = this.visible(a, id);
    if ('type' in m) return m;
    const r = this.restrictions(a);
    const refused = checkReact({
      messageId: id,
      kind: m.kind,
      on,
      mine: on ? store.reactionCount(id, a.u) : 0,
      restrictions: r,
      now: Date.now(),
    });
    if (refused) return refused;
    if (r.has('shadow')) {
      // Not stored (counts are shared): the author sees the count move as if it had been.
      const reactions = { ...(store.reactionsFor([id]).get(id) ?? {}) };
      reactions[emoji] = Math.max(0, (reactions[emoji] ?? 0) + (on ? 1 : -1));
      if (!reactions[emoji]) delete reactions[emoji];
      out.broadcastTo(`u:${a.u}`, { type: 'reactions', message_id: id, reactions });
      return null;
    }
    store.setReaction(id, a.u, emoji, on);
    out.broadcast({ type: 'reactions', message_id: id, reactions: store.reactionsFor([id]).get(id) ?? {} });
    return null;
  }

  burst(a: Attachment, emoji: string, count: number) {
    const r = this.restrictions(a);
    if (r.has('mute') || r.has('shadow')) return;
    this.bursts.set(emoji, (this.bursts.get(emoji) ?? 0) + count);
    if (!this.burstPending && this.bursts.size > 200) return; // a flood of distinct emoji waits for the flush
    if (!this.burstPending) {
      this.burstPending = true;
      this.room.schedule('burst', Date.now() + PUSH_INTERVAL_MS);
    }
  }

  /** The alarm's `burst` timer: the taps since the last push, as one frame. */
  pushBursts() {
    this.burstPending = false;
    if (this.bursts.size) this.room.out.broadcast({ type: 'burst', counts: Object.fromEntries(this.bursts) });
    this.bursts.clear();
  }

  typing(a: Attachment, on: boolean) {
    const now = Date.now();
    const gate = typingGate(this.limits.typing.get(a.u), on, now);
    if (!gate.pass) return;
    const r = this.restrictions(a);
    if (r.has('mute') || r.has('shadow')) return;
    if (gate.next) this.limits.typing.set(a.u, gate.next);
    this.room.out.broadcast({ type: 'typing', user: memberOf(a), on });
  }

  history(ws: WebSocket, a: Attachment, before: string | null, limit: number): ErrorFrame | null {
    const { store } = this.room;
    let beforeSeq: number | null = null;
    if (before) {
      const m = store.byId(before);
      if (!m) return errorFrame('not_found', 'No such message.', { ref: before });
      beforeSeq = m.seq;
    }
    const rows = store.listBefore(a.x ? null : a.u, beforeSeq, limit + 1);
    this.room.out.sendTo(ws, {
      type: 'history',
      messages: store.render(rows.slice(0, limit)).reverse(),
      has_more: rows.length > limit,
    });
    return null;
  }

  flag(a: Attachment, id: string, reason: string): ErrorFrame | null {
    const m = this.visible(a, id);
    if ('type' in m) return m;
    if (this.room.store.hasFlag(id, a.u)) return null;
    const limit = this.limits.flag(a.u, Date.now());
    if (!limit.ok)
      return errorFrame('rate_limited', 'You are reporting too fast.', { ref: id, retry_after: limit.retryAfter });
    this.fileFlag(m, a.u, reason);
    return null;
  }

  fileFlag(m: MessageRow, reporter: string | null, reason: string) {
    const flag = { id: newId('flag'), message_id: m.id, reporter_id: reporter, reason, created_at: Date.now() };
    this.room.store.addFlag(flag);
    const [message] = this.room.store.render([m]);
    const roomId = this.room.config()!.roomId;
    this.room.emit('chat.message.flagged', 'message', m.id, {
      room_id: roomId,
      message,
      flag: { id: flag.id, reason, reporter_id: reporter, created_at: new Date(flag.created_at).toISOString() },
    });
  }
}
