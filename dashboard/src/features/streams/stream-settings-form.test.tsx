// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LADDER, StreamSettingsForm } from './stream-settings-form';

afterEach(cleanup);

const initial = {
  name: 'Show',
  latency_mode: 'standard' as const,
  recording: true,
  reconnect_window: 60,
  ladder: DEFAULT_LADDER,
};

describe('StreamSettingsForm', () => {
  it('refuses an out-of-range reconnect window and an empty ladder', () => {
    const onSubmit = vi.fn();
    render(
      <StreamSettingsForm
        initial={{ ...initial, ladder: ['source'] }}
        submitLabel="Save"
        pending={false}
        error={null}
        onSubmit={onSubmit}
      />,
    );
    fireEvent.change(screen.getByLabelText('Reconnect window (seconds)'), { target: { value: '4000' } });
    fireEvent.click(screen.getByLabelText('source (passthrough)'));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText('Reconnect window must be between 0 and 1800.')).toBeTruthy();
    expect(screen.getByText('Pick at least one rendition.')).toBeTruthy();
  });

  it('sends the ladder in master-playlist order with numbers as numbers', () => {
    const onSubmit = vi.fn();
    render(
      <StreamSettingsForm initial={initial} submitLabel="Save" pending={false} error={null} onSubmit={onSubmit} />,
    );
    fireEvent.click(screen.getByLabelText('1080p'));
    fireEvent.change(screen.getByLabelText('Latency mode'), { target: { value: 'low' } });
    fireEvent.change(screen.getByLabelText('Reconnect window (seconds)'), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSubmit).toHaveBeenCalledWith({
      name: 'Show',
      latency_mode: 'low',
      recording: true,
      reconnect_window: 0,
      ladder: ['source', '1080p', '720p', '480p', '360p'],
      encryption: false,
      metadata: {},
    });
  });

  it('edits encryption and metadata, and refuses metadata lines the API would', () => {
    const onSubmit = vi.fn();
    render(
      <StreamSettingsForm
        initial={{ ...initial, encryption: false, metadata: { show: 'weekly' } }}
        submitLabel="Save"
        pending={false}
        error={null}
        onSubmit={onSubmit}
      />,
    );
    const metadata = screen.getByLabelText('Metadata') as HTMLTextAreaElement;
    expect(metadata.value).toBe('show=weekly');
    fireEvent.change(metadata, { target: { value: 'show=weekly\nno equals sign' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText('Line 2: write key=value.')).toBeTruthy();

    fireEvent.change(metadata, { target: { value: `show=weekly\n${'k'.repeat(41)}=x` } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByText('Line 2: keys are at most 40 characters.')).toBeTruthy();

    fireEvent.change(metadata, { target: { value: 'show=weekly\n  season = 3 = three  ' } });
    fireEvent.click(screen.getByLabelText('Encrypt segments (AES-128)'));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSubmit).toHaveBeenCalledWith(
      expect.objectContaining({ encryption: true, metadata: { show: 'weekly', season: '3 = three' } }),
    );
  });
});
