import type { ChatActivityBucket, ChatActivityQuery } from './contract';

/**
 * Chat activity per time bucket, read from the history the room already keeps (its own SQLite),
 * so a busy room writes nothing extra for analytics. Buckets start at multiples of `bucket_ms`
 * from the epoch, the same starts as the viewer roll-ups in D1, so both series share a time axis.
 * System messages are not chat; deleted and shadow-banned ones were still typed by someone.
 */
export function chatActivity(sql: SqlStorage, q: ChatActivityQuery): ChatActivityBucket[] {
  const rows = sql
    .exec<{ bucket: number; messages: number; chatters: number }>(
      `SELECT created_at - (created_at % ?) AS bucket, count(*) AS messages, count(DISTINCT user_id) AS chatters
         FROM messages
        WHERE kind = 'user' AND created_at >= ? AND created_at < ?
        GROUP BY bucket ORDER BY bucket`,
      q.bucket_ms,
      q.from,
      q.to,
    )
    .toArray();
  return rows.map((r) => ({ bucket: r.bucket, messages: r.messages, chatters: r.chatters }));
}
