import { Webhook } from 'standardwebhooks';

/** An event as webhooks deliver it (and `GET /v1/events` lists it). */
export interface WebhookEvent {
  id: string;
  type: string;
  created_at: string;
  object: { type: string; id: string };
  data: unknown;
  [k: string]: unknown;
}

export class WebhookVerificationError extends Error {}

/**
 * Checks a delivery's Standard Webhooks signature (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) against the endpoint's secret(s) (`whsec_...`; pass the old and the new one
 * during a rotation) and returns the event. The body must be the raw text as received. Deliveries
 * more than 5 minutes old or ahead are refused (replays).
 */
export function verifyWebhook(
  body: string,
  headers: Headers | Record<string, string | undefined>,
  secrets: string | readonly string[],
): WebhookEvent {
  const get = (n: string) => (headers instanceof Headers ? headers.get(n) : (headers[n] ?? headers[n.toLowerCase()]));
  const h = {
    'webhook-id': get('webhook-id') ?? '',
    'webhook-timestamp': get('webhook-timestamp') ?? '',
    'webhook-signature': get('webhook-signature') ?? '',
  };
  let last: unknown;
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    try {
      return new Webhook(secret).verify(body, h) as WebhookEvent;
    } catch (err) {
      last = err;
    }
  }
  throw new WebhookVerificationError(last instanceof Error ? last.message : 'No matching signature');
}
