// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// openapi-fetch resolves paths against the API origin; give it an absolute one for the fake fetch.
vi.hoisted(() => {
  (import.meta.env as Record<string, string>).VITE_API_URL = 'http://api.test';
});
const { ModeratorChat, TIMEOUT_SECONDS } = await import('./moderator-chat');

const message = (id: string, user: string, text: string) => ({
  id,
  seq: 1,
  kind: 'user',
  user: { id: user, name: user.toUpperCase(), avatar: null, role: 'user' },
  text,
  reply_to: null,
  created_at: '2026-01-01T10:00:00Z',
  edited_at: null,
  reactions: {},
});

let calls: { method: string; url: string; body: unknown }[];

beforeEach(() => {
  calls = [];
  vi.stubGlobal('fetch', async (input: Request) => {
    const body = input.method === 'GET' || input.method === 'DELETE' ? null : await input.json();
    calls.push({ method: input.method, url: input.url, body });
    if (input.method === 'GET')
      return Response.json({
        data: [message('msg_2', 'bob', 'second'), message('msg_1', 'alice', 'first')],
        next_cursor: null,
      });
    if (input.method === 'DELETE') return new Response(null, { status: 204 });
    return Response.json(
      { room_id: 'room_1', user_id: 'bob', until: null, reason: null, created_at: '2026-01-01T10:00:00Z' },
      { status: 201 },
    );
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderChat() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, refetchInterval: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <ModeratorChat appId="app_1" roomId="room_1" />
    </QueryClientProvider>,
  );
}

describe('ModeratorChat', () => {
  it('lists messages oldest first from the room history API', async () => {
    renderChat();
    const rows = await screen.findAllByTestId('chat-message');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('first'),
      expect.stringContaining('second'),
    ]);
    expect(calls[0]!.url).toBe('http://api.test/v1/apps/app_1/rooms/room_1/messages?limit=100');
  });

  it('deletes a message, times a user out, and bans only after confirming', async () => {
    renderChat();
    await screen.findAllByTestId('chat-message');
    fireEvent.click(screen.getByRole('button', { name: 'Delete message from BOB' }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'DELETE' && c.url.endsWith('/rooms/room_1/messages/msg_2'))).toBe(true),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Time out BOB for 5 minutes' }));
    await waitFor(() =>
      expect(calls.find((c) => c.url.endsWith('/rooms/room_1/mutes'))?.body).toMatchObject({
        user_id: 'bob',
        duration_seconds: TIMEOUT_SECONDS,
      }),
    );

    // happy-dom has no modal dialog; the confirm button must not ban on its own.
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.open = true;
    };
    const banButtons = screen.getAllByRole('button', { name: 'Ban' });
    fireEvent.click(banButtons[1]!);
    expect(calls.some((c) => c.url.endsWith('/bans'))).toBe(false);
    const dialog = screen.getByRole('dialog', { name: 'Ban user', hidden: true });
    fireEvent.click(dialog.querySelector('button[value="confirm"]')!);
    await waitFor(() =>
      expect(calls.find((c) => c.url.endsWith('/rooms/room_1/bans'))?.body).toMatchObject({ user_id: 'bob' }),
    );
    expect(await screen.findByText('Banned bob.')).toBeTruthy();
  });
});
