import { ApiClient } from './api-client.ts';

/** The demo account `npm start` creates; documented in the README. */
export const DEMO_ACCOUNT = {
  email: 'demo@edgelive.local',
  password: 'edgelive-demo-password',
  name: 'Demo Developer',
  org_name: 'Demo Org',
};
export const DEMO_APP_NAME = 'Demo App';

export interface DemoSeed {
  account: { email: string; password: string; user_id: string; org_id: string; session_token: string };
  app: { id: string; name: string };
  api_key: { id: string; secret: string; token: string };
  signing_key: { id: string; private_key: string; private_key_base64: string };
}

/**
 * Makes sure the demo account, app, API key and signing key exist, reusing what an earlier run
 * created (local state persists). Secrets are shown only once by the API, so an earlier run's
 * key and signing key are reused only when `previous` still holds them and the key still works.
 */
export async function seedDemo(apiUrl: string, previous?: DemoSeed): Promise<DemoSeed> {
  const anon = new ApiClient(apiUrl);
  let session = await anon.request('POST', '/v1/auth/login', {
    email: DEMO_ACCOUNT.email,
    password: DEMO_ACCOUNT.password,
  });
  if (session.status === 401) session = await anon.request('POST', '/v1/auth/register', DEMO_ACCOUNT);
  if (session.status >= 300) throw new Error(`cannot sign in the demo account: ${JSON.stringify(session.body)}`);
  const { token, user, orgs } = session.body as { token: string; user: { id: string }; orgs: { id: string }[] };
  const orgId = orgs[0]!.id;
  const owner = anon.withAuth(token);

  const apps = await owner.call<{ data: { id: string; name: string }[] }>('GET', `/v1/apps?org_id=${orgId}&limit=100`);
  const app =
    apps.data.find((a) => a.name === DEMO_APP_NAME) ??
    (await owner.call<{ id: string; name: string }>('POST', '/v1/apps', {
      org_id: orgId,
      name: DEMO_APP_NAME,
      description: 'Created by npm start',
    }));

  let apiKey = previous?.app.id === app.id ? previous.api_key : undefined;
  if (!apiKey || (await anon.withAuth(apiKey.token).request('GET', '/v1/api-keys?limit=1')).status !== 200) {
    apiKey = await owner.call('POST', `/v1/apps/${app.id}/api-keys`, { name: 'Demo key (npm start)' });
  }
  let signingKey = previous?.app.id === app.id ? previous.signing_key : undefined;
  if (!signingKey || (await owner.request('GET', `/v1/apps/${app.id}/signing-keys/${signingKey.id}`)).status !== 200) {
    signingKey = await owner.call('POST', `/v1/apps/${app.id}/signing-keys`, { name: 'Demo signing key (npm start)' });
  }
  return {
    account: {
      email: DEMO_ACCOUNT.email,
      password: DEMO_ACCOUNT.password,
      user_id: user.id,
      org_id: orgId,
      session_token: token,
    },
    app: { id: app.id, name: app.name },
    api_key: { id: apiKey!.id, secret: apiKey!.secret, token: apiKey!.token },
    signing_key: {
      id: signingKey!.id,
      private_key: signingKey!.private_key,
      private_key_base64: signingKey!.private_key_base64,
    },
  };
}

export interface DemoStream {
  id: string;
  stream_key: string;
  playback_id: string;
}

/** The demo stream (public playback) that `npm start` prints; reused while it still exists. */
export async function seedDemoStream(api: ApiClient, previousId?: string): Promise<DemoStream> {
  interface StreamBody {
    id: string;
    stream_key: string;
    playback_ids: { id: string; policy: string }[];
  }
  let stream = previousId ? await api.request<StreamBody>('GET', `/v1/streams/${previousId}`) : null;
  if (stream?.status !== 200) {
    stream = {
      status: 201,
      body: await api.call<StreamBody>('POST', '/v1/streams', {
        name: 'Demo stream',
        latency_mode: 'low',
        recording: true,
        playback_policies: ['public'],
      }),
    };
  }
  const pb = stream.body.playback_ids.find((p) => p.policy === 'public') ?? stream.body.playback_ids[0];
  if (!pb) throw new Error('the demo stream has no playback id');
  return { id: stream.body.id, stream_key: stream.body.stream_key, playback_id: pb.id };
}
