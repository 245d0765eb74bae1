/**
 * The event catalog: every event Edgelive records in `GET /v1/events` and delivers by webhook.
 * docs/events.md is the prose version of this file; keep them together.
 *
 * Ordering: events about the same object (`object.id`) are delivered to an endpoint in the order
 * they happened; events about different objects may overtake each other.
 */

export interface EventTypeInfo {
  /** The kind of object the event is about (`object.type` in the envelope). */
  object: string;
  description: string;
}

export const EVENT_CATALOG = {
  'stream.created': { object: 'stream', description: 'A live stream was created.' },
  'stream.updated': { object: 'stream', description: "A live stream's settings changed." },
  'stream.deleted': { object: 'stream', description: 'A live stream was deleted.' },
  'stream.active': { object: 'stream', description: 'The publisher connected and the stream went live.' },
  'stream.reconnecting': {
    object: 'stream',
    description: 'The publisher dropped; the stream waits out its reconnect window.',
  },
  'stream.idle': {
    object: 'stream',
    description: 'The session ended (the reconnect window passed without the publisher).',
  },
  'stream.max_duration_reached': {
    object: 'stream',
    description:
      'The session ran for its `max_duration_seconds` and was ended; the publisher is dropped (a new publish starts a new session).',
  },
  'stream.disabled': {
    object: 'stream',
    description: 'The stream was disabled: publishing is refused until it is enabled again.',
  },
  'stream.key_reset': {
    object: 'stream',
    description: 'The stream key was replaced; the old key no longer publishes.',
  },
  'stream.health.degraded': {
    object: 'stream',
    description:
      "A live session's input or pipeline degraded; `data.health.reasons` says why (input bitrate low, segments late, encoder restarting, upload backlog).",
  },
  'stream.health.recovered': {
    object: 'stream',
    description: 'A degraded live session is healthy again; `data.health.reasons` says what it had.',
  },
  'stream.input.connected': {
    object: 'stream_input',
    description: "One of the stream's inputs (cameras) began publishing; `data.origin_id` says where.",
  },
  'stream.input.disconnected': {
    object: 'stream_input',
    description: "One of the stream's inputs stopped publishing (the others, if any, stay available).",
  },
  'stream.input_switched': {
    object: 'stream',
    description:
      'Another input went on air; `data.on_air_input_id`, `data.from_input_id` and `data.reason` (`api`, `failover`, `first_connected`).',
  },
  'stream.publish_refused': {
    object: 'stream',
    description:
      'A publish was refused by the plan (`data.error`: `plan_limit_exceeded` with `limit`, `used`, `allowed`).',
  },
  'recording.skipped': {
    object: 'stream',
    description:
      'A session of a recording stream went live without a recording: the org is at its plan’s recording storage (`data.session_id`; `data.error`: `plan_limit_exceeded` with `limit: recording_storage_gb`, `used`, `allowed`).',
  },
  'recording.ready': {
    object: 'recording',
    description: "A session's recording was finalized and can be played as a VOD; `data.asset_id` names its asset.",
  },
  'asset.created': {
    object: 'asset',
    description: 'An asset was created (a recorded session starting); `status` is `preparing`.',
  },
  'asset.ready': { object: 'asset', description: 'An asset can be played: its playback ids open it.' },
  'asset.errored': { object: 'asset', description: 'An asset could not be made; `data.error.reason` says why.' },
  'asset.mp4.ready': { object: 'asset', description: "An asset's MP4 download was made; `data.mp4` has its size." },
  'asset.mp4.errored': { object: 'asset', description: "An asset's MP4 could not be made; `data.mp4.error` says why." },
  'asset.frame_accurate.ready': {
    object: 'asset',
    description: "A clip's first and last segments were re-encoded: it now runs from the `start` to the `end` asked.",
  },
  'asset.frame_accurate.errored': {
    object: 'asset',
    description:
      'A clip could not be made frame-accurate (it still plays, segment-accurate); `data.frame_accurate.error` says why.',
  },
  'asset.deleted': { object: 'asset', description: 'An asset was deleted, with its media in R2.' },
  'viewers.peak': { object: 'stream', description: "A session's peak concurrent viewers, sent when the session ends." },
  'simulcast_target.created': { object: 'simulcast_target', description: 'A simulcast target was added to a stream.' },
  'simulcast_target.starting': {
    object: 'simulcast_target',
    description: 'The origin began pushing the stream to the target (connecting).',
  },
  'simulcast_target.broadcasting': {
    object: 'simulcast_target',
    description: 'The target accepted the push and video is flowing to it.',
  },
  'simulcast_target.errored': {
    object: 'simulcast_target',
    description:
      'The push to the target failed or dropped; `data.last_error` and `data.next_retry_at` say why and when.',
  },
  'simulcast_target.idle': {
    object: 'simulcast_target',
    description: 'The push stopped: the stream ended or the target was disabled.',
  },
  'simulcast_target.deleted': { object: 'simulcast_target', description: 'A simulcast target was deleted.' },
  'room.created': { object: 'room', description: 'A real-time room was created.' },
  'room.updated': { object: 'room', description: "A room's settings changed." },
  'room.deleted': { object: 'room', description: 'A room was deleted.' },
  'chat.message.flagged': {
    object: 'message',
    description: 'A chat message was flagged (by a user or the blocklist) for review.',
  },
  'chat.user.banned': { object: 'room', description: 'A user was banned from a room; `data.user_id` names them.' },
  'chat.user.unbanned': { object: 'room', description: 'A ban was lifted; `data.user_id` names the user.' },
  'chat.user.muted': {
    object: 'room',
    description: 'A user was muted (timed out) in a room; `data.user_id` and `data.until`.',
  },
  'chat_connector.connected': {
    object: 'chat_connector',
    description: "A room's external chat connector joined its channel; messages flow.",
  },
  'chat_connector.errored': {
    object: 'chat_connector',
    description: 'A chat connector could not connect or lost its connection; `data.last_error` says why (retried).',
  },
  'api_key.created': { object: 'api_key', description: 'An API key was created (never carries the secret).' },
  'api_key.revoked': { object: 'api_key', description: 'An API key was revoked.' },
  'member.invited': {
    object: 'invitation',
    description: 'Someone was invited to the organization. Org events are recorded once for every app of the org.',
  },
  'member.removed': {
    object: 'member',
    description: 'A member left or was removed from the organization. Recorded once for every app of the org.',
  },
  'usage.threshold_reached': {
    object: 'org',
    description:
      'An org reached an alert threshold of a plan limit this period (`data.limit`, `threshold` %, `used`, `allowed`). Recorded once for every app of the org.',
  },
  'usage.limit_reached': {
    object: 'org',
    description:
      'An org reached 100 % of a plan limit this period (`data.limit`, `used`, `allowed`). Recorded once for every app of the org.',
  },
  'subscription.updated': {
    object: 'org',
    description:
      "An org's plan changed (`data.plan`, `data.previous_plan`, `data.billing`). Recorded once for every app of the org.",
  },
  'webhook_endpoint.disabled': {
    object: 'webhook_endpoint',
    description:
      'A webhook endpoint was disabled, by hand or automatically after failing for days (`data.disabled_reason`).',
  },
  'webhook_endpoint.test': {
    object: 'webhook_endpoint',
    description:
      'Sent only on request (`POST /v1/webhook-endpoints/{id}/test`) to that endpoint; never listed in /v1/events.',
  },
} as const satisfies Record<string, EventTypeInfo>;

export type EventType = keyof typeof EVENT_CATALOG;

export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_CATALOG, value);
}

/**
 * What a webhook carries as its body and what `GET /v1/events` lists: the same shape, so a
 * customer can catch up through the API with the handler they use for webhooks.
 * Follows the Standard Webhooks payload shape (`type`, `timestamp`, `data`).
 */
export interface EventEnvelope<T extends EventType = EventType> {
  /** `evt_...`; also the `webhook-id` header, stable across retries: deduplicate on it. */
  id: string;
  type: T;
  /** When it happened, ISO 8601 UTC. */
  timestamp: string;
  app_id: string;
  object: { type: string; id: string };
  /** The object as the API returns it, at the time of the event. */
  data: Record<string, unknown>;
}

/**
 * A subscription pattern is `*` (everything), an exact type (`stream.active`), or a prefix
 * followed by `.*` (`stream.*`, `chat.user.*`), which matches every type under that prefix.
 */
export function eventTypeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export const matchesAnyPattern = (patterns: readonly string[], type: string): boolean =>
  patterns.some((p) => eventTypeMatches(p, type));

/**
 * Whether a subscription pattern names something in the catalog, so a typo (`stream.actve`,
 * `strem.*`) is refused when the endpoint is saved instead of silently matching nothing.
 */
export function isValidPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return EVENT_TYPES.some((t) => eventTypeMatches(pattern, t));
  return isEventType(pattern);
}
