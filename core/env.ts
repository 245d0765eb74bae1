/**
 * The bindings every layer sees. They come from wrangler.jsonc through `npm run cf-typegen`
 * (core/worker-configuration.d.ts); the secrets and the optional settings below are not in
 * wrangler.jsonc: deployments set them with `wrangler secret put` (README "Deploying"), local runs
 * get development values from scripts/lib/local-secrets.ts.
 */
declare global {
  namespace Cloudflare {
    /** Secrets are not in wrangler.jsonc, so `wrangler types` does not list them. */
    interface Env {
      /** HMAC key of console sessions. */
      SESSION_SECRET: string;
      /** HMAC key of the short-lived playback grants. */
      PLAYBACK_GRANT_SECRET: string;
      /** Root of the per-session AES-128 media keys (never rotate: recordings depend on it). */
      MEDIA_KEY_SECRET: string;
      /** Key of the stream keys and webhook secrets stored in D1 (core/secret-box.ts). */
      DATA_ENCRYPTION_KEY: string;
      /** JSON object of origin ids to their HMAC secrets (docs/origin-protocol.md). */
      ORIGIN_SECRETS: string;
    }
  }
}

export type Env = Cloudflare.Env & {
  /** Cloudflare Images (wrangler.jsonc `images`): resized channel images; optional, the original is served without it. */
  IMAGES?: ImagesBinding;
  /** Development only: allow webhook targets on private addresses. */
  WEBHOOK_ALLOW_PRIVATE?: string;
  /** Development only: multiplies the webhook retry schedule. */
  WEBHOOK_BACKOFF_SCALE?: string;
  /** Development only: per-attempt webhook timeout. */
  WEBHOOK_TIMEOUT_MS?: string;
  /** The plan of orgs that never chose one (`free` unless set; local runs use `business`). */
  DEFAULT_PLAN?: string;
  /** `off`: the Worker counts no usage (a deployment that bills nothing; bench/delivery.ts compares). */
  USAGE_METERING?: string;
  /** Billing (issue 15; workers/services/stripe.service.ts). Without a secret key billing is manual. */
  STRIPE_SECRET_KEY?: string;
  /** The signing secret of the webhook endpoint Stripe posts to (`/v1/billing/stripe/webhook`). */
  STRIPE_WEBHOOK_SECRET?: string;
  /** Another base URL for Stripe's API (a local stand-in in tests); default api.stripe.com. */
  STRIPE_API_BASE?: string;
  /** Stripe price ids of the paid plans' monthly fees. */
  STRIPE_PRICE_PRO?: string;
  STRIPE_PRICE_BUSINESS?: string;
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
  /** Comma-separated origins whose pages may use a console session (credentialed CORS). */
  CONSOLE_ORIGINS?: string;
  /** Sign in with Google / GitHub (workers/lib/oauth-providers.ts): a provider is on when its client id and secret are set. */
  OAUTH_GOOGLE_CLIENT_ID?: string;
  OAUTH_GOOGLE_CLIENT_SECRET?: string;
  /** OpenID issuer used for "Google" (discovery); default https://accounts.google.com. */
  OAUTH_GOOGLE_ISSUER?: string;
  OAUTH_GITHUB_CLIENT_ID?: string;
  OAUTH_GITHUB_CLIENT_SECRET?: string;
  /** GitHub's web base (authorize, token) and REST API base; defaults https://github.com, https://api.github.com. */
  OAUTH_GITHUB_URL?: string;
  OAUTH_GITHUB_API_URL?: string;
  /** Comma-separated emails of the platform operators (the Admin area, /v1/admin); they must use two-factor sign-in. */
  OPERATOR_EMAILS?: string;
  /**
   * Custom domains (workers/services/domains.service.ts): a DNS-over-HTTPS JSON resolver for the TXT
   * check (default Cloudflare's), and Cloudflare for SaaS (zone id + an API token with SSL and
   * Certificates edit; base URL overridable for a stand-in). With a zone set, Cloudflare verifies.
   */
  DNS_RESOLVER_URL?: string;
  CF_SAAS_ZONE_ID?: string;
  CF_API_TOKEN?: string;
  CF_API_BASE_URL?: string;
  /** The name customers point their domain's CNAME at (shown with the verification records). */
  CUSTOM_DOMAIN_TARGET?: string;
};
