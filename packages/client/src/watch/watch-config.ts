/** What the server-rendered watch, chat and embed pages hand their script (JSON in a <script> tag). */
export const WATCH_CONFIG_ID = 'watch-config';

export interface WatchStreamConfig {
  id: string;
  /** The stream's title (the channel page's heading while live). */
  name?: string;
  playback_id: string;
  room_id: string | null;
  status: 'live' | 'reconnecting' | 'idle';
  latency_mode: 'standard' | 'low';
}

export interface WatchConfig {
  /** channel: a channel's page; recording: one past broadcast; embed: player (+ chat); chat: chat alone. */
  mode: 'channel' | 'recording' | 'embed' | 'chat';
  stream: WatchStreamConfig | null;
  /** The master playlist of the recording (mode `recording`). */
  recordingSrc: string | null;
  /** The viewer token from the customer, when there is one: video (if signed) and chat (if `chat` in aud). */
  token: string | null;
  /** Where the channel page's state can be re-read (after a session ends, for the new recording). */
  stateUrl: string | null;
  /** The channel page's path; recordings live under `<path>/recordings/<session_id>`. */
  pagePath: string | null;
  /** Whether to show chat at all. */
  chat: boolean;
  /** A recording's chat, replayed in step with the video (`.../recordings/{id}/chat.json`). */
  chatReplayUrl?: string | null;
  /** Translated strings would go here; the branding decides the name shown in the page. */
  labels: { offline: string; watching: string; readOnly: string };
}
