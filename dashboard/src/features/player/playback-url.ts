import { API_ORIGIN } from '../../api/client';

/** Absolute so it can be pasted into a player elsewhere. */
export const playbackUrl = (playbackId: string) => `${API_ORIGIN || window.location.origin}/hls/${playbackId}.m3u8`;
