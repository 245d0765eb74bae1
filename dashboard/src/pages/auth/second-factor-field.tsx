import { TextField } from '../../ui/field';

/** Six digits from the authenticator, or (longer, with dashes) one of the recovery codes. */
export function secondFactorBody(code: string): { totp_code?: string; recovery_code?: string } {
  const c = code.trim();
  return /^\d{6}$/.test(c) ? { totp_code: c } : { recovery_code: c };
}

export function SecondFactorField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <TextField
      label="Authentication code"
      inputMode="text"
      autoComplete="one-time-code"
      autoFocus
      hint="The 6-digit code from your authenticator app, or one of your recovery codes."
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
