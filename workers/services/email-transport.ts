import type { Env } from '../../core/env';
import { buildMime, type OutgoingMail } from './email-mime';
import { parseSmtpUrl, sendSmtp } from './email-smtp';

/**
 * The one way the Worker sends mail. Which transport is picked from the deployment's settings:
 * - `SMTP_URL` (local and tests): SMTP over a TCP socket to the catcher `./edgelive start` runs;
 * - `EMAIL_HTTP_URL`: an HTTP provider that accepts raw MIME;
 * - the `SEND_EMAIL` binding (Cloudflare Email Routing) in production.
 * With none of them set, messages are logged (without their links) and dropped.
 */
export interface EmailTransport {
  readonly name: string;
  send(mail: OutgoingMail): Promise<void>;
}

export const DEFAULT_FROM = 'Edgelive <no-reply@edgelive.local>';

/** The bare address of `Name <addr>` (the SMTP envelope wants only the address). */
export const bareAddress = (a: string) => a.match(/<([^>]+)>/)?.[1] ?? a;

export function transportFor(env: Env): EmailTransport {
  if (env.SMTP_URL) {
    const target = parseSmtpUrl(env.SMTP_URL);
    return {
      name: 'smtp',
      send: (m) => sendSmtp(target, bareAddress(m.from), bareAddress(m.to), buildMime(m)),
    };
  }
  if (env.EMAIL_HTTP_URL) {
    const url = env.EMAIL_HTTP_URL;
    return {
      name: 'http',
      async send(m) {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'message/rfc822',
            ...(env.EMAIL_HTTP_TOKEN ? { authorization: `Bearer ${env.EMAIL_HTTP_TOKEN}` } : {}),
          },
          body: buildMime(m),
        });
        if (!res.ok) throw new Error(`mail provider answered ${res.status}`);
      },
    };
  }
  if (env.SEND_EMAIL) {
    const binding = env.SEND_EMAIL;
    return {
      name: 'send_email',
      send: async (m) => {
        await binding.send({
          from: bareAddress(m.from),
          to: bareAddress(m.to),
          subject: m.subject,
          text: m.text,
          html: m.html,
        });
      },
    };
  }
  return {
    name: 'none',
    send: async () => {
      if (warned) return;
      warned = true;
      console.warn('no mail transport configured (SMTP_URL, EMAIL_HTTP_URL or SEND_EMAIL); account mail is dropped');
    },
  };
}
/** Said once per isolate, not once per message. */
let warned = false;

/** Sends after the response (so its timing reveals nothing); a failure is logged, never thrown. */
export function sendLater(ctx: { waitUntil(p: Promise<unknown>): void }, env: Env, mail: Omit<OutgoingMail, 'from'>) {
  const transport = transportFor(env);
  ctx.waitUntil(
    transport
      .send({ from: env.MAIL_FROM ?? DEFAULT_FROM, ...mail })
      .catch((err: unknown) => console.error(`mail to ${mail.to} failed (${transport.name})`, err)),
  );
}
