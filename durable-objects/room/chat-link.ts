/**
 * What the room needs of one external chat, whatever carries it: Twitch's IRC connection
 * (irc-client.ts) or YouTube's polled pages (youtube-chat.ts). `closed` links are started again
 * by the room's connector check.
 */
export interface ChatLink {
  readonly closed: boolean;
  say(text: string): Promise<void>;
  /** Deletes one of the chat's messages there (a moderator deleted it in the room), where the chat allows it. */
  remove(externalId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface ChatLinkHandlers {
  onMessage: (m: { author: string; text: string; id: string | null; authorId?: string | null }) => void;
  onStatus: (status: 'connected' | 'errored', error: string | null) => void;
  /** A message was deleted there (by its moderators, or its author): the room removes its copy. */
  onDeleted: (externalId: string) => void;
}
