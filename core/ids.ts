/**
 * Ids are random and prefixed by kind so a misplaced id is caught at the boundary
 * (a `str_` id in an `app_` slot answers 404 without touching the database).
 */
export const ID_PREFIXES = {
  user: 'usr',
  org: 'org',
  member: 'mem',
  invitation: 'inv',
  app: 'app',
  apiKey: 'key',
  signingKey: 'sk',
  audit: 'aud',
  session: 'ses',
  stream: 'str',
  playbackId: 'pb',
  room: 'room',
  message: 'msg',
  chatBan: 'ban',
  flag: 'flg',
  webhookEndpoint: 'we',
  event: 'evt',
  delivery: 'dlv',
  origin: 'orig',
  streamSession: 'lsn',
  channel: 'ch',
  domain: 'dom',
  asset: 'ast',
  mediaJob: 'job',
  simulcastTarget: 'sim',
  streamInput: 'inp',
  chatConnector: 'con',
  authToken: 'atk',
  recoveryCode: 'rec',
  oauthIdentity: 'oid',
  operatorAudit: 'opa',
  upload: 'upl',
  passkey: 'pkey',
  invoice: 'in',
  mediaPurge: 'prg',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Base62 of `bytes` random bytes (rejection-free: modulo bias is irrelevant for ids). */
export function randomToken(length = 22): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomToken(20)}`;
}

export function isIdOf(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-Za-z]{8,40}$`).test(value);
}
