import type { RefusalTable, RpcResult } from '../../core/rpc';
import { ApiError } from './errors';

/**
 * The one place an object's refusal becomes an API error: the contract's table gives the status
 * and the message, the code passes through unchanged so clients can branch on it.
 */
export function orThrow<T extends object, C extends string>(result: RpcResult<T, C>, refusals: RefusalTable<C>) {
  if (result.ok) return result;
  const r = refusals[result.code];
  throw new ApiError(r.status, result.code, r.message);
}
