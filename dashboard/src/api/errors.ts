/** One field problem as the Worker reports it in `details.issues` of a 400. */
export interface FieldIssue {
  path: string;
  message: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** The API's error envelope `{"error": {"code","message","details"?}}`, as a throwable. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  static from(status: number, body: unknown): ApiRequestError {
    const e = isRecord(body) && isRecord(body.error) ? body.error : null;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') {
      return new ApiRequestError(status, e.code, e.message, e.details);
    }
    return new ApiRequestError(status, 'http_error', `The server answered ${status}.`);
  }

  /** Field issues of a validation error, keyed by the field's path (first message wins). */
  get fieldIssues(): Record<string, string> {
    const out: Record<string, string> = {};
    const issues = isRecord(this.details) && Array.isArray(this.details.issues) ? this.details.issues : [];
    for (const i of issues) {
      if (isRecord(i) && typeof i.path === 'string' && typeof i.message === 'string' && !(i.path in out)) {
        out[i.path] = i.message;
      }
    }
    return out;
  }
}

/** A message fit for a person, whatever was thrown (network failures included). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message;
  if (err instanceof TypeError) return 'Could not reach the Edgelive API. Check your connection and try again.';
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

export const isUnauthorized = (err: unknown) => err instanceof ApiRequestError && err.status === 401;
export const isNotFound = (err: unknown) => err instanceof ApiRequestError && err.status === 404;
