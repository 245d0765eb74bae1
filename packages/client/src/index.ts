export { RoomClient, RoomError, type RoomClientOptions, type RoomState, type SocketLike, type Status } from './room-client';
export type { ClientFrame, Counts, Member, Message, ServerFrame } from '@edgelive/shared';
