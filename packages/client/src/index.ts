export type { ClientFrame, Counts, Member, Message, ServerFrame } from '@edgelive/shared';
export {
  RoomClient,
  type RoomClientOptions,
  RoomError,
  type RoomState,
  type SocketLike,
  type Status,
} from './room-client';
export { type Audience, tokenAudiences, tokenOpens } from './token-audience';
