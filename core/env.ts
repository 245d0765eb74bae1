/**
 * The bindings every layer sees. They come from wrangler.jsonc through `npm run cf-typegen`
 * (core/worker-configuration.d.ts); the optional ones below are set only in some deployments.
 */
export type Env = Cloudflare.Env & {
  /** Where the console is served, for links we hand out (invitations); defaults to the API's origin. */
  CONSOLE_URL?: string;
};
