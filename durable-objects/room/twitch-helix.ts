/**
 * Deleting a Twitch chat message: Twitch took its IRC moderation commands (`/delete`) away in
 * 2023, so it is the Helix API's `DELETE /moderation/chat`, with the bot's own user token (the
 * bot must be a moderator of the channel). Helix wants the token's client id and user id (from
 * `oauth2/validate`) and the broadcaster's user id (from `users?login=`); they are looked up once
 * per connection. Twitch has no official JavaScript client, so these are three plain requests.
 */
export interface HelixTarget {
  /** null: Twitch itself; a root URL: a stand-in serving `helix/...` and `oauth2/...` under it (tests). */
  apiRoot: string | null;
  /** `oauth:...` as IRC takes it, or the bare token. */
  token: string;
  /** `#channel` */
  channel: string;
}

interface Ids {
  clientId: string;
  moderatorId: string;
  broadcasterId: string;
}

export class TwitchHelix {
  private ids: Promise<Ids> | null = null;
  private readonly target: HelixTarget;

  constructor(target: HelixTarget) {
    this.target = target;
  }

  private get token() {
    return this.target.token.replace(/^oauth:/, '');
  }

  private url(api: 'helix' | 'oauth2', path: string) {
    const root = this.target.apiRoot;
    if (root) return new URL(`${api}/${path}`, root).toString();
    return api === 'helix' ? `https://api.twitch.tv/helix/${path}` : `https://id.twitch.tv/oauth2/${path}`;
  }

  private lookUp(): Promise<Ids> {
    this.ids ??= (async () => {
      const v = await call<{ client_id?: string; user_id?: string }>(this.url('oauth2', 'validate'), {
        headers: { authorization: `OAuth ${this.token}` },
      });
      if (!v.client_id || !v.user_id) throw new Error('Twitch did not say whose token this is.');
      const login = this.target.channel.replace(/^#/, '');
      const u = await call<{ data?: { id: string }[] }>(this.url('helix', `users?login=${encodeURIComponent(login)}`), {
        headers: this.headers(v.client_id),
      });
      const broadcasterId = u.data?.[0]?.id;
      if (!broadcasterId) throw new Error(`No Twitch user ${login}.`);
      return { clientId: v.client_id, moderatorId: v.user_id, broadcasterId };
    })();
    // A failed look-up is tried again next time (a token fixed, Twitch back).
    this.ids.catch(() => (this.ids = null));
    return this.ids;
  }

  private headers(clientId: string) {
    return { authorization: `Bearer ${this.token}`, 'client-id': clientId };
  }

  async deleteMessage(messageId: string): Promise<void> {
    const ids = await this.lookUp();
    const q = new URLSearchParams({
      broadcaster_id: ids.broadcasterId,
      moderator_id: ids.moderatorId,
      message_id: messageId,
    });
    await call(this.url('helix', `moderation/chat?${q}`), { method: 'DELETE', headers: this.headers(ids.clientId) });
  }
}

/** One Helix request; a refusal becomes an error with Twitch's own message. */
async function call<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) {
    let message = text.slice(0, 200);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // not JSON: the text itself
    }
    throw new Error(`Twitch answered ${res.status}: ${message}`);
  }
  return (text ? JSON.parse(text) : {}) as T;
}
