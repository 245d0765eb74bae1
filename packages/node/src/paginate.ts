/** A page of any list in the API. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** What an openapi-fetch call answers: `data` on success, `error` otherwise. */
interface Result<T> {
  data?: Page<T>;
  error?: unknown;
  response: Response;
}

export class EdgeliveError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    super(`${status} ${e?.code ?? 'error'}: ${e?.message ?? 'request failed'}`);
  }
}

/**
 * Every item of a cursor-paginated list, fetching pages as they are needed:
 *
 *   for await (const s of paginate((cursor) => client.GET('/v1/streams', { params: { query: { cursor } } }))) ...
 *
 * A failed page throws an `EdgeliveError` with the API's error envelope.
 */
export async function* paginate<T>(page: (cursor: string | undefined) => Promise<Result<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const { data, error, response } = await page(cursor);
    if (!data) throw new EdgeliveError(response.status, error);
    yield* data.data;
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
}
