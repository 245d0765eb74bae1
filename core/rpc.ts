/**
 * The one shape of a Durable Object's RPC answer that can be refused. An object never throws for
 * an expected refusal (a disabled stream, a message that is not there): it returns `refuse(code)`,
 * and the Worker maps the code to the API's error envelope in one place
 * (`workers/lib/rpc-errors.ts`, using the status and message each contract declares).
 */
export type Refused<C extends string = string> = { ok: false; code: C };
export type RpcResult<T extends object, C extends string> = ({ ok: true } & T) | Refused<C>;

export const ok = <T extends object>(value: T): { ok: true } & T => ({ ok: true as const, ...value });
export const refuse = <C extends string>(code: C): Refused<C> => ({ ok: false, code });

/** What a contract declares for each of its refusal codes: the HTTP status and the message. */
export type RefusalTable<C extends string> = Record<
  C,
  { status: 400 | 403 | 404 | 409 | 410 | 422 | 429; message: string }
>;
