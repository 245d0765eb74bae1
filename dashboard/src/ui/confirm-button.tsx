import { type ReactNode, useRef } from 'react';

interface Props {
  /** The button's text, and the action named in the dialog. */
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
}

/** A destructive action behind a modal question; the native <dialog> gives focus trap and Escape. */
export function ConfirmButton({
  children,
  title,
  message,
  confirmLabel,
  onConfirm,
  disabled,
  className = 'danger',
}: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
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
            if (submitter?.value === 'confirm') onConfirm();
          }}
        >
          <h2>{title}</h2>
          <div>{message}</div>
          <div className="row" style={{ justifyContent: 'flex-end' }}>
            <button type="submit" value="cancel">
              Cancel
            </button>
            <button type="submit" value="confirm" className="primary">
              {confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
