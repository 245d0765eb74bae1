import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signatureHeader, signV1 } from './signature';

describe('Standard Webhooks signatures', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'stream.active', data: { ü: 'ünïcode' } });

  it('match the reference library, byte for byte', async () => {
    const secret = newWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const ours = await signV1(secret, 'evt_1', ts, body);
    expect(ours).toBe(new Webhook(secret).sign('evt_1', new Date(ts * 1000), body));
    expect(
      new Webhook(secret).verify(body, {
        'webhook-id': 'evt_1',
        'webhook-timestamp': String(ts),
        'webhook-signature': ours,
      }),
    ).toEqual(JSON.parse(body));
  });

  it('verify with either secret while both sign, and fail for a tampered body or another secret', async () => {
    const [next, prev, stranger] = [newWebhookSecret(), newWebhookSecret(), newWebhookSecret()];
    const ts = Math.floor(Date.now() / 1000);
    const header = await signatureHeader([next, prev], 'evt_2', ts, body);
    expect(header.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': 'evt_2', 'webhook-timestamp': String(ts), 'webhook-signature': header };
    expect(() => new Webhook(next).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(prev).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow();
    expect(() => new Webhook(next).verify(body.replace('active', 'idle'), headers)).toThrow();
    expect(() => new Webhook(next).verify(body, { ...headers, 'webhook-id': 'evt_3' })).toThrow();
  });
});
