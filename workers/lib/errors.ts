import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error the API returns has this one shape (DESIGN.md: one error envelope). */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Throw anywhere in a handler; `onError` turns it into the envelope with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what = 'resource') => new ApiError(404, 'not_found', `No such ${what}.`);
export const forbidden = (message = 'Your role does not allow this.') => new ApiError(403, 'forbidden', message);
export const unauthorized = (message = 'Missing or invalid credentials.') => new ApiError(401, 'unauthorized', message);
export const badRequest = (message: string, details?: unknown) =>
  new ApiError(400, 'invalid_request', message, details);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);

export function errorResponse(c: Context, err: ApiError): Response {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.details !== undefined) body.error.details = err.details;
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
  return c.json(body, err.status);
}
