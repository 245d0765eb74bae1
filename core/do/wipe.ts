/**
 * Clearing a Durable Object's stored state when its app is deleted (issue 14): every socket
 * closed, its alarm cancelled and its storage (SQLite tables and KV alike) deleted, so nothing of
 * a deleted tenant stays in an object. Ids are random, so the object is never asked for again;
 * one helper for every class, so none of them writes its own.
 */
export const DELETED_CLOSE_CODE = 4410;

export async function wipeObject(ctx: DurableObjectState): Promise<void> {
  for (const ws of ctx.getWebSockets()) {
    try {
      ws.close(DELETED_CLOSE_CODE, 'deleted');
    } catch {
      // Already closing.
    }
  }
  await ctx.storage.deleteAlarm();
  await ctx.storage.deleteAll();
}
