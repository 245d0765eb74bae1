// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../../api/errors';
import { SignUpForm } from './sign-up-form';

afterEach(cleanup);

const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('SignUpForm', () => {
  it('checks every field before sending anything', () => {
    const onSubmit = vi.fn();
    render(<SignUpForm onSubmit={onSubmit} pending={false} error={null} />);
    fill('Email', 'not-an-email');
    fill('Password', 'short');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText('Your name is required.')).toBeTruthy();
    expect(screen.getByText('Enter a valid email address.')).toBeTruthy();
    expect(screen.getByText('Use at least 10 characters.')).toBeTruthy();
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
  });

  it('sends trimmed values and leaves out an empty organization name', () => {
    const onSubmit = vi.fn();
    render(<SignUpForm onSubmit={onSubmit} pending={false} error={null} />);
    fill('Your name', '  Ada ');
    fill('Email', 'ada@example.com ');
    fill('Password', 'long enough password');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(onSubmit).toHaveBeenCalledWith({ name: 'Ada', email: 'ada@example.com', password: 'long enough password' });
  });

  it("shows the API's message and disables the button while pending", () => {
    render(
      <SignUpForm
        onSubmit={() => undefined}
        pending
        error={new ApiRequestError(409, 'conflict', 'An account with this email already exists.')}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe('An account with this email already exists.');
    expect((screen.getByRole('button', { name: 'Creating account…' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
