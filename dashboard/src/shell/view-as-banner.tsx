import { useNavigate } from 'react-router';
import { useEndViewAs } from '../features/admin/admin.queries';
import { useMe } from '../session/session.queries';

/** Shown on every page of an operator's read-only "view as" session, with the way out. */
export function ViewAsBanner() {
  const me = useMe();
  const end = useEndViewAs();
  const navigate = useNavigate();
  if (!me.data?.view_as) return null;
  return (
    <div className="banner warn" role="status">
      <span>
        Viewing as <strong>{me.data.user.email}</strong> (read-only). Changes are refused.
      </span>
      <button
        type="button"
        disabled={end.isPending}
        onClick={() =>
          end.mutate(undefined, {
            onSuccess: (r) => void navigate(r.restored ? '/admin/users' : '/sign-in', { replace: true }),
          })
        }
      >
        End view as
      </button>
    </div>
  );
}

/** A member of a suspended org sees why nothing there works. */
export function SuspendedNotice({ orgId }: { orgId: string | null }) {
  const me = useMe();
  const org = me.data?.orgs.find((o) => o.id === orgId);
  if (!org?.suspended) return null;
  return (
    <div className="banner bad" role="alert">
      This organization is suspended by the platform operator: its API keys, streams and watch pages are off. Contact
      support.
    </div>
  );
}
