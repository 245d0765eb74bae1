// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatMessage, you } from './chat-test-data';
import { type ChatModeration, ChatView, type ChatViewProps } from './chat-view';

afterEach(cleanup);

const base: ChatViewProps['state'] = {
  status: 'open',
  closed: null,
  messages: [],
  you: you('admin'),
  counts: { viewers: 2, viewers_from: 'sockets', connections: 2, video_viewers: null, members: 2 },
  settings: { slow_mode_seconds: null, max_message_length: 500, anonymous_read: false },
};

function moderation() {
  return {
    notice: null,
    onDelete: vi.fn<ChatModeration['onDelete']>(),
    onTimeout: vi.fn<ChatModeration['onTimeout']>(),
    onBan: vi.fn<ChatModeration['onBan']>(),
    onSlowMode: vi.fn<ChatModeration['onSlowMode']>(),
  } satisfies ChatModeration;
}

describe('ChatView', () => {
  it('sends trimmed text, clears the box, and shows a refusal with the text put back', async () => {
    let reject: (e: Error) => void = () => {};
    const onSend = vi.fn(() => new Promise((_, r) => (reject = r)));
    render(<ChatView state={base} onSend={onSend} />);
    const input = screen.getByLabelText<HTMLInputElement>('Message');
    fireEvent.change(input, { target: { value: '  hello  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledWith('hello');
    expect(input.value).toBe('');
    reject(new Error('Slow mode: wait 5 s.'));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Slow mode: wait 5 s.');
    await waitFor(() => expect(input.value).toBe('hello'));
    // Blank text never goes out.
    fireEvent.change(input, { target: { value: '   ' } });
    fireEvent.submit(input.closest('form')!);
    expect(onSend).toHaveBeenCalledTimes(1);
  });

  it('shows moderator tools to moderators only, and never against their own messages', () => {
    const state = {
      ...base,
      messages: [
        chatMessage('bob', 'hi'),
        chatMessage('carol', 'I moderate', 'moderator'),
        { ...chatMessage('x', 'mine'), user: { ...you('admin') } },
      ],
    };
    const mod = moderation();
    const { rerender } = render(<ChatView state={state} onSend={vi.fn()} moderation={mod} />);
    expect(screen.getAllByRole('button', { name: /^Delete message from/ })).toHaveLength(3);
    // An admin times out and bans users and moderators, never themselves.
    expect(screen.getAllByRole('button', { name: /^Time out/ })).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Time out BOB for 5 minutes' }));
    expect(mod.onTimeout).toHaveBeenCalledWith(expect.objectContaining({ id: 'bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete message from BOB' }));
    expect(mod.onDelete).toHaveBeenCalledWith(expect.objectContaining({ text: 'hi' }));
    fireEvent.change(screen.getByLabelText('Slow mode'), { target: { value: '30' } });
    expect(mod.onSlowMode).toHaveBeenCalledWith(30);

    // A ban waits for the confirmation dialog.
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.open = true;
    };
    fireEvent.click(screen.getAllByRole('button', { name: 'Ban' })[0]!);
    expect(mod.onBan).not.toHaveBeenCalled();
    const dialog = screen.getAllByRole('dialog', { name: 'Ban user', hidden: true })[0]!;
    fireEvent.click(dialog.querySelector('button[value="confirm"]')!);
    expect(mod.onBan).toHaveBeenCalledWith(expect.objectContaining({ id: 'bob' }));

    // A moderator acts on users only.
    rerender(<ChatView state={{ ...state, you: you('moderator') }} onSend={vi.fn()} moderation={mod} />);
    expect(screen.getAllByRole('button', { name: /^Time out/ }).map((b) => b.getAttribute('aria-label'))).toEqual([
      'Time out BOB for 5 minutes',
    ]);

    rerender(<ChatView state={{ ...state, you: you('user') }} onSend={vi.fn()} moderation={mod} />);
    expect(screen.queryByRole('button', { name: /^Delete message from/ })).toBeNull();
    expect(screen.queryByLabelText('Slow mode')).toBeNull();
  });

  it('says why it cannot post: read-only viewer, timed out, banned', () => {
    const { rerender } = render(
      <ChatView state={{ ...base, you: you('user', { anonymous: true }) }} onSend={vi.fn()} />,
    );
    expect(screen.getByText('Viewers can read the chat but not post.')).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('Message').disabled).toBe(true);
    rerender(
      <ChatView
        state={{
          ...base,
          you: you('user', { restrictions: { muted: true, muted_until: null, banned: false, read_only: false } }),
        }}
        onSend={vi.fn()}
      />,
    );
    expect(screen.getByText('You are muted in this room.')).toBeTruthy();
    rerender(
      <ChatView state={{ ...base, status: 'closed', closed: { code: 4003, reason: 'banned' } }} onSend={vi.fn()} />,
    );
    expect(screen.getByRole('status').textContent).toBe('You are banned from this room');
    expect(screen.getByText('You are banned from this room.')).toBeTruthy();
  });
});
