export { chatReplayUrl, followPlayhead, loadChatReplay, type ReplayMessage, sentBy } from './chat-replay';
export { createPlayer, type Player, type PlayerOptions, type PlayerState, type Quality } from './core';
export { EdgelivePlayer, type EdgelivePlayerProps, playbackUrls } from './edgelive-player';
export { hlsConfigFor, type LatencyMode } from './hls-config';
export { type Tracker, type TrackOptions, trackPlayer } from './track-player';
export { ViewTracker, viewerId } from './view-tracker';
