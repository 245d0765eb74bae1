import type { Message, RoomState } from '@edgelive/client';

/** Frames and state shapes for the chat panel's component tests. */
let seq = 0;
export const chatMessage = (user: string, text: string, role: 'user' | 'moderator' | 'admin' = 'user'): Message => {
  seq++;
  return {
    id: `msg_${seq}`,
    seq,
    kind: 'user',
    user: { id: user, name: user.toUpperCase(), avatar: null, role },
    text,
    reply_to: null,
    created_at: '2026-01-01T10:00:00Z',
    edited_at: null,
    reactions: {},
  };
};

export const you = (
  role: 'user' | 'moderator' | 'admin',
  over: Partial<NonNullable<RoomState['you']>> = {},
): NonNullable<RoomState['you']> => ({
  id: 'console:usr_me',
  name: 'Me',
  avatar: null,
  role,
  anonymous: false,
  restrictions: { muted: false, muted_until: null, banned: false, read_only: false },
  ...over,
});
