export { createEdgeliveClient, type EdgeliveClient, type EdgeliveOptions, retryingFetch } from './client.js';
export { EdgeliveError, type Page, paginate } from './paginate.js';
export type { components, operations, paths } from './schema.js';
export {
  type ChatRole,
  type PlaybackAudience,
  type SigningKey,
  signChatToken,
  signPlaybackToken,
  signViewerToken,
} from './tokens.js';
export { verifyWebhook, type WebhookEvent, WebhookVerificationError } from './webhooks.js';
