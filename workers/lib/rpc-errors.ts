import type { RefusalTable, Refused, RpcResult } from '../../core/rpc';
import { ApiError } from './errors';

/**
 * The one place an object's refusal becomes an API error: the contract's table gives the status
 * and the message, the code passes through unchanged so clients can branch on it. Generic over
 * the whole result because an RPC stub hands results back intersected with `Disposable`.
 */
export function orThrow<C extends string, R extends RpcResult<object, C>>(
  result: R,
  refusals: RefusalTable<C>,
): Exclude<R, Refused<C>> {
  if (result.ok) return result as Exclude<R, Refused<C>>;
  const { code } = result as Refused<C>;
  const r = refusals[code];
  throw new ApiError(r.status, code, r.message);
}
