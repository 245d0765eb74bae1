import { describe, expect, it } from 'vitest';
import { googleErrorOf, readChatPage } from './youtube-chat-page';

/**
 * `liveChatMessages.list` pages as YouTube documents and sends them (the field set of
 * `youtube#liveChatMessageListResponse`, a text message, a Super Chat, a join without text and a
 * deleted-message notice), and Google's error envelope as gaxios hands it over.
 */
const page = {
  kind: 'youtube#liveChatMessageListResponse',
  etag: 'ZdDwDhXUvqm3YdZ6VyVDYnHgc2U',
  pollingIntervalMillis: 5107,
  pageInfo: { totalResults: 4, resultsPerPage: 4 },
  nextPageToken: 'GLOpupeBlJIDIPyc1b6Bl5ID',
  items: [
    {
      kind: 'youtube#liveChatMessage',
      etag: 'a',
      id: 'LCC.CjgKDQoLZTJlTGl2ZVZpZDAxKicKGFVDdmlld2Vyb25lMDAwMDAwMDAwMDAwMBILbXNnLTEtaWQtMDE',
      snippet: {
        type: 'textMessageEvent',
        liveChatId: 'Cg0KC2UyZUxpdmVWaWQwMQ',
        authorChannelId: 'UCviewerone0000000000000',
        publishedAt: '2026-12-01T21:00:00.123456+00:00',
        hasDisplayContent: true,
        displayMessage: 'first!',
        textMessageDetails: { messageText: 'first!' },
      },
      authorDetails: {
        channelId: 'UCviewerone0000000000000',
        channelUrl: 'http://www.youtube.com/channel/UCviewerone0000000000000',
        displayName: 'Viewer One',
        profileImageUrl: 'https://yt3.ggpht.com/x',
        isVerified: false,
        isChatOwner: false,
        isChatSponsor: false,
        isChatModerator: false,
      },
    },
    {
      kind: 'youtube#liveChatMessage',
      etag: 'b',
      id: 'LCC.super',
      snippet: {
        type: 'superChatEvent',
        authorChannelId: 'UCfan',
        hasDisplayContent: true,
        displayMessage: '$5.00 from Fan: keep going',
        superChatDetails: {
          amountMicros: '5000000',
          currency: 'USD',
          amountDisplayString: '$5.00',
          userComment: 'keep going',
          tier: 2,
        },
      },
      authorDetails: { channelId: 'UCfan', displayName: 'Fan' },
    },
    {
      kind: 'youtube#liveChatMessage',
      id: 'LCC.member',
      snippet: { type: 'newSponsorEvent', hasDisplayContent: true, displayMessage: 'Welcome!' },
      authorDetails: { channelId: 'UCnew', displayName: 'New Member' },
    },
    {
      kind: 'youtube#liveChatMessage',
      id: 'LCC.deleted',
      snippet: {
        type: 'messageDeletedEvent',
        hasDisplayContent: false,
        messageDeletedDetails: { deletedMessageId: 'LCC.x' },
      },
      authorDetails: { channelId: 'UCmod', displayName: 'Mod' },
    },
  ],
};

describe('YouTube live chat pages', () => {
  it('takes text messages and Super Chat comments, with the author, the next token and the pace', () => {
    const p = readChatPage(page);
    expect(p.messages).toEqual([
      {
        author: 'Viewer One',
        text: 'first!',
        id: 'LCC.CjgKDQoLZTJlTGl2ZVZpZDAxKicKGFVDdmlld2Vyb25lMDAwMDAwMDAwMDAwMBILbXNnLTEtaWQtMDE',
        authorId: 'UCviewerone0000000000000',
      },
      { author: 'Fan', text: 'keep going', id: 'LCC.super', authorId: 'UCfan' },
    ]);
    expect(p).toMatchObject({ nextPageToken: 'GLOpupeBlJIDIPyc1b6Bl5ID', pollAfterMs: 5107, ended: false });
    // A deletion there names the message it removed (the room removes its copy).
    expect(p.deleted).toEqual(['LCC.x']);
  });

  it('never polls faster than once a second, and sees the end of the broadcast', () => {
    expect(readChatPage({ items: [], pollingIntervalMillis: 10 }).pollAfterMs).toBe(1000);
    expect(readChatPage({ items: [] }).pollAfterMs).toBe(5000);
    expect(readChatPage({ items: [], offlineAt: '2026-12-01T22:00:00Z' }).ended).toBe(true);
  });

  it("keeps Google's reason from an error", () => {
    const err = Object.assign(new Error('The specified live chat is no longer live.'), {
      status: 403,
      response: {
        status: 403,
        data: {
          error: {
            code: 403,
            message: 'The specified live chat is no longer live.',
            errors: [
              {
                message: 'The specified live chat is no longer live.',
                domain: 'youtube.liveChat',
                reason: 'liveChatEnded',
              },
            ],
          },
        },
      },
    });
    expect(googleErrorOf(err)).toBe('YouTube 403 liveChatEnded: The specified live chat is no longer live.');
    expect(googleErrorOf(new Error('fetch failed'))).toBe('YouTube: fetch failed');
  });
});
