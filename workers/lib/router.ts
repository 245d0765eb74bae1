import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Env as HonoEnv } from 'hono';
import type { AppEnv, AppScopedEnv } from '../env';
import { ApiError } from './errors';

function routerFor<E extends HonoEnv>() {
  return new OpenAPIHono<E>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError(400, 'invalid_request', 'The request did not match the schema.', {
          issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
    },
  });
}

/**
 * Every route module builds its router here so that a request failing its schema gets the one
 * error envelope (400 `invalid_request` with the failing fields) instead of zod's default body.
 */
export const createRouter = <E extends HonoEnv = AppEnv>() => routerFor<E>();

/** The router of an app resource (app-resources.ts): its handlers see `scope.appId` as a string. */
export const createAppRouter = () => routerFor<AppScopedEnv>();

/** A required JSON body: without `required`, a request with another content type skips validation. */
export const jsonBody = <T extends z.ZodTypeAny>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

export const ErrorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/**
 * Who may call an operation, as the OpenAPI document says it (the schemes are declared in
 * openapi-conventions.ts). App resources get theirs from their scope instead (openapi-scopes.ts);
 * every other route names one of these in its `createRoute`.
 */
type Security = Record<string, string[]>[];
export const sessionSecurity: Security = [{ console_session: [] }, { session_token: [] }];
/** Anyone may call it (sign-in, status, beacons). */
export const publicSecurity: Security = [];
/** A chat token (`?token=`), or nobody: read-only where the room allows anonymous viewers. */
export const chatTokenSecurity: Security = [{ chat_token: [] }, {}];

/** The error responses shared by authenticated routes, for the OpenAPI document. */
export const commonErrors = {
  400: errorResponse('Invalid request'),
  401: errorResponse('Missing or invalid credentials'),
  403: errorResponse('Role does not allow this'),
  404: errorResponse('Not found (or owned by another tenant)'),
} as const;

export const json = <T extends z.ZodTypeAny>(schema: T, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

/** Path parameter holding an id; the kind is checked by the lookup so a wrong kind answers 404. */
export const idParam = <N extends string>(name: N, example: string) =>
  z.object({
    [name]: z
      .string()
      .min(1)
      .max(64)
      .openapi({ param: { name, in: 'path' }, example }),
  } as Record<N, z.ZodString>);
