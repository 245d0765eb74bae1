import { useId, useRef, useState } from 'react';

interface Props {
  children: string;
  title: string;
  /** What the reason is for; it goes into the operator audit log. */
  label?: string;
  confirmLabel: string;
  onConfirm: (reason: string) => void;
  disabled?: boolean;
  className?: string;
}

/** An operator action behind a dialog that asks why (every operator action is audited with its reason). */
export function ReasonButton({
  children,
  title,
  label = 'Reason',
  confirmLabel,
  onConfirm,
  disabled,
  className,
}: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const id = useId();
  return (
    <>
      <button type="button" className={className} disabled={disabled} onClick={() => dialog.current?.showModal()}>
        {children}
      </button>
      <dialog ref={dialog} aria-label={title}>
        <form
          method="dialog"
          className="stack"
          onSubmit={(e) => {
            const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
            if (submitter?.value === 'confirm' && reason.trim()) onConfirm(reason.trim());
            setReason('');
          }}
        >
          <h2>{title}</h2>
          <div className="field">
            <label htmlFor={id}>{label}</label>
            <input id={id} value={reason} maxLength={500} required onChange={(e) => setReason(e.target.value)} />
          </div>
          <div className="row" style={{ justifyContent: 'flex-end' }}>
            <button type="submit" value="cancel" formNoValidate>
              Cancel
            </button>
            <button type="submit" value="confirm" className="primary" disabled={!reason.trim()}>
              {confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
