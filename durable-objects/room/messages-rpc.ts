import type { Message } from '@edgelive/shared';
import { newId } from '../../core/ids';
import { ok, refuse } from '../../core/rpc';
import type { Chat } from './chat';
import type { DeleteMessageResult, FlagPage, HistoryQuery, ListMessagesResult, ResolveFlagResult } from './contract';
import type { FanOut } from './fanout';
import { type MessageRow, type RoomStore, renderMessage } from './room-store';

/**
 * The room's history and flags as the REST API reads and changes them (RPC from the Worker).
 * Readers through the API see what an anonymous viewer would: no shadow-banned messages.
 */
export class MessagesRpc {
  constructor(
    private readonly store: RoomStore,
    private readonly out: FanOut,
    private readonly chat: Chat,
  ) {}

  listMessages(q: HistoryQuery): ListMessagesResult {
    let rows: MessageRow[];
    if (q.sinceId !== undefined) {
      const from = this.store.byId(q.sinceId);
      if (!from) return refuse('unknown_message');
      rows = this.store.listAfter(null, from.seq, q.limit + 1);
    } else {
      rows = this.store.listBefore(null, q.beforeSeq ?? null, q.limit + 1);
    }
    return ok({ messages: this.store.render(rows.slice(0, q.limit)), has_more: rows.length > q.limit });
  }

  getMessage(id: string): Message | null {
    const m = this.store.byId(id);
    return m && !m.deleted_at ? this.store.render([m])[0]! : null;
  }

  postSystemMessage(text: string): Message {
    const row = this.store.insertMessage({
      id: newId('message'),
      kind: 'system',
      user_id: null,
      user_json: null,
      text,
      client_id: null,
      reply_to: null,
      shadow: 0,
      created_at: Date.now(),
    });
    const message = renderMessage(row, {});
    this.out.broadcast({ type: 'message', message });
    return message;
  }

  deleteMessage(id: string, by: string): DeleteMessageResult {
    const m = this.store.byId(id);
    if (!m || m.deleted_at || !this.chat.removeMessage(m, by)) return refuse('not_found');
    return ok({ message_id: id });
  }

  listFlags(status: 'open' | 'resolved', limit: number, beforeTime: number | null): FlagPage {
    const rows = this.store.listFlags(status, limit + 1, beforeTime);
    const messages = new Map(rows.map((f) => [f.message_id, this.store.byId(f.message_id)]));
    return {
      flags: rows.slice(0, limit).map((f) => {
        const m = messages.get(f.message_id);
        return { ...f, message: m ? this.store.render([m])[0]! : null };
      }),
      has_more: rows.length > limit,
    };
  }

  resolveFlag(id: string, action: 'dismiss' | 'delete_message', by: string): ResolveFlagResult {
    const flag = this.store.getFlag(id);
    if (!flag) return refuse('not_found');
    if (action === 'delete_message') this.deleteMessage(flag.message_id, by);
    const resolved = this.store.resolveFlag(id, action, Date.now());
    return resolved ? ok({ flag: resolved }) : refuse('not_found');
  }
}
