// How a stream and its sessions render lives in the core, since the stream object's reactions
// (core/stream-reactions.ts) render them for events too.
export * from '../../core/stream-views';
