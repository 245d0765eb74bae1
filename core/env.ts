/**
 * The bindings every layer sees. They come from wrangler.jsonc through `npm run cf-typegen`
 * (core/worker-configuration.d.ts); the optional ones below are set only in some deployments.
 */
export type Env = Cloudflare.Env & {
  /** Where the console is served, for links we hand out (invitations); defaults to the API's origin. */
  CONSOLE_URL?: string;
  /** Outgoing mail (workers/services/email-transport.ts): the sender address of every message. */
  MAIL_FROM?: string;
  /** `smtp://[user:pass@]host:port`: SMTP over a TCP socket (the local catcher; any relay without TLS). */
  SMTP_URL?: string;
  /** An HTTP provider that takes raw MIME (`POST` with `Authorization: Bearer EMAIL_HTTP_TOKEN`). */
  EMAIL_HTTP_URL?: string;
  EMAIL_HTTP_TOKEN?: string;
  /** Requests per minute of an API key without its own limit (default 600), and of an anonymous address (default 120). */
  API_RATE_LIMIT_PER_MINUTE?: string;
  ANON_RATE_LIMIT_PER_MINUTE?: string;
  /** The Workers Rate Limiting binding; without it the D1 counter (workers/services/rate-limit.ts) counts. */
  API_RATE_LIMITER?: RateLimit;
  /** Cloudflare Email Routing's `send_email` binding, when the deployment declares one. */
  SEND_EMAIL?: SendEmail;
};
