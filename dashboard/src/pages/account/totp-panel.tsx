import QRCode from 'qrcode';
import { type FormEvent, useEffect, useState } from 'react';
import { useConfirmTotp, useDisableTotp, useStartTotp } from '../../features/account/account.queries';
import { TextField } from '../../ui/field';
import { FormError } from '../../ui/states';

/** The otpauth:// URI as a QR code, drawn here: the secret never leaves the browser for an image service. */
function QrCode({ uri }: { uri: string }) {
  const [src, setSrc] = useState('');
  useEffect(() => {
    void QRCode.toDataURL(uri, { margin: 1, width: 200 }).then(setSrc);
  }, [uri]);
  return src ? <img src={src} width={200} height={200} alt="QR code for your authenticator app" /> : null;
}

/**
 * Two-factor enrolment: start (secret + QR), confirm with a first code, then the 10 recovery codes
 * shown once. `enabled` is whether the account has it on (the API refuses a second enrolment).
 */
export function TotpPanel({ enabled: initiallyOn }: { enabled: boolean }) {
  const start = useStartTotp();
  const confirm = useConfirmTotp();
  const disable = useDisableTotp();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const on = (initiallyOn || confirm.isSuccess) && !disable.isSuccess;

  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    confirm.mutate(code.trim());
  };

  if (confirm.isSuccess && !disable.isSuccess) {
    return (
      <div className="stack">
        <div className="alert info" role="status">
          Two-factor sign-in is on. Keep these recovery codes somewhere safe: each works once, and they are shown only
          now.
        </div>
        <ul className="recovery-codes" aria-label="Recovery codes">
          {confirm.data.recovery_codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (on) {
    return (
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          disable.mutate(password);
        }}
      >
        <p>
          <span className="badge ok">On</span> Signing in asks for a code from your authenticator app.
        </p>
        <FormError error={disable.error} />
        <TextField
          label="Password (to turn it off)"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div>
          <button type="submit" className="danger" disabled={!password || disable.isPending}>
            Turn off two-factor sign-in
          </button>
        </div>
      </form>
    );
  }
  if (!start.data) {
    return (
      <div className="stack">
        <p>Protect your account with a code from an authenticator app (Google Authenticator, 1Password, Authy…).</p>
        <FormError error={start.error} />
        <div>
          <button type="button" className="primary" disabled={start.isPending} onClick={() => start.mutate()}>
            Set up two-factor sign-in
          </button>
        </div>
      </div>
    );
  }
  return (
    <form className="form" onSubmit={submitCode} noValidate>
      <p>Scan this with your authenticator app, then type the 6-digit code it shows.</p>
      <QrCode uri={start.data.otpauth_uri} />
      <p className="small muted">
        Or enter the key by hand: <code data-testid="totp-secret">{start.data.secret}</code>
      </p>
      <FormError error={confirm.error} />
      <TextField
        label="Code from the app"
        inputMode="numeric"
        autoComplete="one-time-code"
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      <div>
        <button type="submit" className="primary" disabled={!/^\d{6}$/.test(code.trim()) || confirm.isPending}>
          Turn on
        </button>
      </div>
    </form>
  );
}
