/**
 * What a viewer token is for, read from its `aud` without verifying it (the Worker verifies; the
 * client only needs to know where to send it). One combined token (`aud: ["v","t","chat"]`, from
 * the customer's backend, e.g. @edgelive/node `signViewerToken`) opens a stream's video, its
 * thumbnails and its room; a single-audience token opens one of them.
 */
export type Audience = 'v' | 't' | 'd' | 'chat';

export function tokenAudiences(token: string | null | undefined): Audience[] {
  if (!token) return [];
  try {
    const part = token.split('.')[1] ?? '';
    const body = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { aud?: unknown };
    const aud = Array.isArray(body.aud) ? body.aud : [body.aud];
    return aud.filter((a): a is Audience => a === 'v' || a === 't' || a === 'd' || a === 'chat');
  } catch {
    return [];
  }
}

export const tokenOpens = (token: string | null | undefined, aud: Audience) => tokenAudiences(token).includes(aud);
