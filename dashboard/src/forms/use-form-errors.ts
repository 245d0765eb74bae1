import { useState } from 'react';
import { ApiRequestError } from '../api/errors';
import { type Errors, hasErrors } from './validators';

/**
 * Field errors from two sources: the form's own checks before sending, and the API's
 * `details.issues` after (mapped by field path) so a server-side refusal lands on the right input.
 */
export function useFormErrors<K extends string>() {
  const [errors, setErrors] = useState<Errors<K>>({});
  return {
    errors,
    /** Returns true when the form may be sent. */
    check(found: Errors<K>): boolean {
      setErrors(found);
      return !hasErrors(found);
    },
    fromApi(err: unknown) {
      if (err instanceof ApiRequestError) setErrors(err.fieldIssues as Errors<K>);
    },
    clear: () => setErrors({}),
  };
}
