// @vitest-environment happy-dom
import type { ServerFrame, SocketLike } from '@edgelive/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chatMessage, you } from './chat-test-data';

vi.hoisted(() => {
  (import.meta.env as Record<string, string>).VITE_API_URL = 'http://api.test';
});
const { LiveChat, TIMEOUT_SECONDS } = await import('./live-chat');

/** The room socket as the client library sees it: the test plays the server. */
class FakeSocket implements SocketLike {
  sent: Record<string, unknown>[] = [];
  private onMessage: ((e: { data: unknown }) => void)[] = [];
  constructor(readonly url: () => Promise<string>) {}
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {}
  addEventListener(type: string, cb: never) {
    if (type === 'message') this.onMessage.push(cb);
  }
  deliver(f: ServerFrame) {
    act(() => {
      for (const h of this.onMessage) h({ data: JSON.stringify(f) });
    });
  }
}

let calls: { method: string; url: string; body: unknown }[];
beforeEach(() => {
  calls = [];
  vi.stubGlobal('fetch', async (req: Request) => {
    calls.push({ method: req.method, url: req.url, body: req.method === 'DELETE' ? null : await req.json() });
    if (req.method === 'DELETE') return new Response(null, { status: 204 });
    return Response.json(
      { user_id: 'bob', until: null, reason: null, created_at: '2026-01-01T10:00:00Z' },
      { status: 201 },
    );
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderChat() {
  let sock: FakeSocket | null = null;
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <LiveChat appId="app_1" roomId="room_1" socket={(url) => (sock = new FakeSocket(url))} />
    </QueryClientProvider>,
  );
  return () => sock!;
}

const snapshot = (messages: ReturnType<typeof chatMessage>[]): ServerFrame => ({
  type: 'snapshot',
  protocol: 1,
  room: { id: 'room_1', settings: { slow_mode_seconds: null, max_message_length: 500, anonymous_read: false } },
  you: you('admin'),
  messages,
  resumed: false,
  gap: false,
  present: [],
  counts: { viewers: 1, viewers_from: 'sockets', connections: 1, video_viewers: null, members: 1 },
});

describe('LiveChat', () => {
  it('dials the console socket, shows live messages, and sends over the socket', async () => {
    const sock = renderChat();
    await waitFor(() => expect(sock()).toBeTruthy());
    expect(await sock().url()).toBe('ws://api.test/v1/apps/app_1/rooms/room_1/ws');
    const first = chatMessage('alice', 'first');
    sock().deliver(snapshot([first]));
    sock().deliver({ type: 'message', message: chatMessage('bob', 'second') });
    const rows = await screen.findAllByTestId('chat-message');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('first'),
      expect.stringContaining('second'),
    ]);
    expect(screen.getByRole('status').textContent).toBe('Live');

    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'hello' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(sock().sent).toContainEqual(expect.objectContaining({ type: 'send', text: 'hello' }));
    // A moderator's delete removes the row for everyone, the console included.
    sock().deliver({ type: 'message_deleted', message_id: first.id });
    expect(screen.getAllByTestId('chat-message').map((r) => r.textContent)).toEqual([
      expect.stringContaining('second'),
    ]);
  });

  it('moderates through the REST routes, so every action is audited', async () => {
    const sock = renderChat();
    await waitFor(() => expect(sock()).toBeTruthy());
    sock().deliver(snapshot([chatMessage('bob', 'spam')]));
    fireEvent.click(await screen.findByRole('button', { name: 'Time out BOB for 5 minutes' }));
    await waitFor(() =>
      expect(calls.find((c) => c.url.endsWith('/v1/apps/app_1/rooms/room_1/mutes'))?.body).toMatchObject({
        user_id: 'bob',
        duration_seconds: TIMEOUT_SECONDS,
      }),
    );
    expect(await screen.findByText('Timed out BOB for 5 minutes.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Slow mode'), { target: { value: '10' } });
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({
        url: 'http://api.test/v1/apps/app_1/rooms/room_1',
        body: { settings: { slow_mode_seconds: 10 } },
      }),
    );
  });
});
