import { Link } from 'react-router';
import { Empty } from '../ui/states';

export function NotFoundPage() {
  return (
    <main className="main">
      <Empty title="Page not found">
        <p>This address does not exist in the console.</p>
        <Link className="button" to="/">
          Go to your apps
        </Link>
      </Empty>
    </main>
  );
}
