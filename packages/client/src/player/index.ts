export { createPlayer, type Player, type PlayerOptions, type PlayerState, type Quality } from './core';
export { EdgelivePlayer, type EdgelivePlayerProps, playbackUrls } from './edgelive-player';
export { hlsConfigFor, type LatencyMode } from './hls-config';
export { type TrackOptions, type Tracker, trackPlayer } from './track-player';
export { ViewTracker, viewerId } from './view-tracker';
