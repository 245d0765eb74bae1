/** What the Worker's embed page hands to its script (a JSON <script> tag), shared by both sides. */
export interface EmbedConfig {
  playbackId: string;
  /** Master playlist URL, token included. */
  src: string;
  /** Thumbnail URL for the poster, or null when a signed id came without a thumbnail token. */
  poster: string | null;
  latencyMode: 'standard' | 'low';
  /** A live stream with a DVR window (absent: none). */
  dvr?: boolean;
  /** An asset's chat replay URL (`/chat-replay/{playback_id}`, token included); absent: no replay. */
  chatReplay?: string;
  autoplay: boolean;
  muted: boolean;
}

export const EMBED_CONFIG_ID = 'edgelive-config';
