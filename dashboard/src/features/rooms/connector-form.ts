import type { CreateConnector } from './connectors.queries';

/** What the add-connector form holds; every field a string, as the inputs give them. */
export interface ConnectorDraft {
  kind: 'twitch' | 'irc' | 'youtube';
  channel: string;
  nick: string;
  token: string;
  host: string;
  port: string;
  tls: boolean;
  video: string;
  apiKey: string;
  relay: boolean;
}

export const EMPTY_DRAFT: ConnectorDraft = {
  kind: 'twitch',
  channel: '',
  nick: '',
  token: '',
  host: '',
  port: '6667',
  tls: false,
  video: '',
  apiKey: '',
  relay: false,
};

const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());

/**
 * The request body for a draft. "IRC server" is the Twitch connector pointed at another host
 * (it speaks plain IRC); a YouTube id of 11 characters is a video id, anything longer a live
 * chat id. Field checks beyond "required" are the API's, shown as it words them.
 */
export function connectorBody(d: ConnectorDraft): { body: CreateConnector } | { error: string } {
  if (d.kind === 'youtube') {
    const id = opt(d.video);
    if (!id) return { error: 'A video id or a live chat id is needed.' };
    if (!opt(d.apiKey) && !opt(d.token)) return { error: 'An API key (read only) or an OAuth token is needed.' };
    return {
      body: {
        kind: 'youtube',
        ...(id.length === 11 ? { video_id: id } : { live_chat_id: id }),
        api_key: opt(d.apiKey),
        token: opt(d.token),
        relay: d.relay,
      },
    };
  }
  const channel = opt(d.channel);
  if (!channel) return { error: 'A channel is needed.' };
  const port = d.kind === 'irc' ? Number(d.port) : undefined;
  if (d.kind === 'irc') {
    if (!opt(d.host)) return { error: 'The IRC server’s host is needed.' };
    if (!Number.isInteger(port) || port! < 1 || port! > 65535) return { error: 'The port must be 1 to 65535.' };
  }
  return {
    body: {
      kind: 'twitch',
      channel,
      nick: opt(d.nick),
      token: opt(d.token),
      relay: d.relay,
      ...(d.kind === 'irc' ? { host: d.host.trim(), port, tls: d.tls } : {}),
    },
  };
}
