/**
 * What a room's primary object and its edge shards (room-shard.do.ts) send each other besides the
 * room contract's `shardJoin`: the primary's deliveries. Frames travel serialized, as the primary
 * made them, so a shard never parses or re-serializes a room frame.
 */

/** One room frame of a delivery; `x` names the one socket of this shard it skips (the author). */
export interface ShardEntry {
  s: string;
  x?: string;
}

/** One frame for one socket of the shard (an ack, an error, a history page). */
export interface ShardDirect {
  id: string;
  s: string;
}

/** A shard's report to its primary: the sockets that closed since the last one. */
export interface ShardReport {
  k: number;
  left: string[];
}

/** The shard's socket-id tag: the room addresses a shard's socket by it. */
export const socketTag = (id: string) => `s:${id}`;
