import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, email, maxLength, newPassword, required } from '../../forms/validators';
import { TextField } from '../../ui/field';
import { FormError } from '../../ui/states';

export interface SignUpValues {
  name: string;
  email: string;
  password: string;
  org_name?: string;
}

type Field = 'name' | 'email' | 'password' | 'org_name';

/** The sign-up form alone (no routing), so its checks can be tested on their own. */
export function SignUpForm({
  onSubmit,
  pending,
  error,
}: {
  onSubmit: (v: SignUpValues) => void;
  pending: boolean;
  error: unknown;
}) {
  const form = useFormErrors<Field>();
  const [v, setV] = useState({ name: '', email: '', password: '', org_name: '' });
  const set = (k: Field) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ok = form.check(
      collect({
        name: required(v.name, 'Your name') ?? maxLength(v.name, 100, 'Your name'),
        email: email(v.email),
        password: newPassword(v.password),
        org_name: maxLength(v.org_name, 100, 'Organization name'),
      }),
    );
    if (!ok) return;
    onSubmit({
      name: v.name.trim(),
      email: v.email.trim(),
      password: v.password,
      ...(v.org_name.trim() ? { org_name: v.org_name.trim() } : {}),
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Create your account">
      <FormError error={error} />
      <TextField label="Your name" autoComplete="name" value={v.name} error={form.errors.name} onChange={set('name')} />
      <TextField
        label="Email"
        type="email"
        autoComplete="email"
        value={v.email}
        error={form.errors.email}
        onChange={set('email')}
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        value={v.password}
        error={form.errors.password}
        onChange={set('password')}
      />
      <TextField
        label="Organization name"
        hint="Optional. You can rename it later."
        value={v.org_name}
        error={form.errors.org_name}
        onChange={set('org_name')}
      />
      <button className="primary" type="submit" disabled={pending}>
        {pending ? 'Creating account…' : 'Create account'}
      </button>
    </form>
  );
}
