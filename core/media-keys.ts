/**
 * R2 object keys for media. Segment and recording keys are unique per session and written once,
 * so they can be cached forever; R2 allows only about one write per second to the same key.
 */
export const segmentKey = (streamId: string, sessionId: string, rendition: string, sequence: number) =>
  `live/${streamId}/${sessionId}/${rendition}/${sequence}.ts`;

/** An LL-HLS part of a live segment: beside its segment, swept with the session's live media. */
export const partKey = (streamId: string, sessionId: string, rendition: string, sequence: number, part: number) =>
  `live/${streamId}/${sessionId}/${rendition}/${sequence}.${part}.ts`;

/** A recording's playlists sit beside each other; their segment URIs are relative (`<rendition>/<seq>.ts`). */
export const recordingKey = (streamId: string, sessionId: string, rendition: string) =>
  `recordings/${streamId}/${sessionId}/${rendition}.m3u8`;

export const recordingMasterKey = (streamId: string, sessionId: string) =>
  `recordings/${streamId}/${sessionId}/master.m3u8`;

/** The latest poster frame; the origin posts one every several seconds, far below R2's per-key limit. */
export const thumbnailKey = (streamId: string) => `thumbnails/${streamId}/latest.jpg`;

/**
 * Every poster frame of a session is also kept under its offset from the session start, zero-padded
 * so that R2's lexicographic listing is time order (`?time=` on a recording finds the nearest).
 */
export const thumbnailsPrefix = (streamId: string, sessionId: string) => `thumbnails/${streamId}/${sessionId}/`;
export const timedThumbnailKey = (streamId: string, sessionId: string, offsetS: number) =>
  `${thumbnailsPrefix(streamId, sessionId)}${String(Math.max(0, Math.floor(offsetS))).padStart(7, '0')}.jpg`;

/** The latest preview frame of one input of a multi-camera stream (the console's switcher tiles). */
export const inputThumbnailKey = (streamId: string, inputId: string) => `thumbnails/${streamId}/inputs/${inputId}.jpg`;

/** An asset's MP4 download (issue 14), written by a media job. */
export const mp4Key = (assetId: string) => `downloads/${assetId}/highest.mp4`;

export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
export const SEGMENT_TYPE = 'video/mp2t';
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** An upload's bytes while and after they arrive (the multipart target and the pending tail). */
export const uploadPrefix = (uploadId: string) => `uploads/${uploadId}/`;
export const uploadSourceKey = (uploadId: string) => `${uploadPrefix(uploadId)}source`;
export const uploadTailKey = (uploadId: string) => `${uploadPrefix(uploadId)}tail`;

/**
 * An asset's own HLS tree (uploads, URL ingests), written by a transcode job: `master.m3u8`,
 * `<rendition>.m3u8` and `<rendition>/<n>.ts`, every URI relative so the tree serves under any
 * playback id.
 */
export const vodPrefix = (assetId: string) => `vod/${assetId}/`;
export const vodKey = (assetId: string, file: string) => `${vodPrefix(assetId)}${file}`;

/**
 * An input's preview rung (the console's per-camera player): a short rolling window of segments
 * and its index, by input id alone (ids are unique across streams). The index is rewritten once
 * per segment, far below R2's per-key write limit; segments that slide out of it are deleted.
 */
export const previewPrefix = (inputId: string) => `previews/${inputId}/`;
export const previewIndexKey = (inputId: string) => `${previewPrefix(inputId)}index.json`;
export const previewSegmentKey = (inputId: string, sequence: number) => `${previewPrefix(inputId)}${sequence}.ts`;
