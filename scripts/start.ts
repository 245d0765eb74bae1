/**
 * `./edgelive start`: the whole stack on this machine with embedded defaults.
 * Applies local D1 migrations, starts the Worker (local D1/R2/Durable Objects persisted in
 * .edgelive/state) and the media origin (NGINX-RTMP + agent + FFmpeg), seeds the demo account,
 * app, API key, signing key and stream, prints where to publish and where to watch, and writes it
 * all to .edgelive/local.json. Runs until Ctrl-C.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveConsole } from '../dashboard/serve.ts';
import { startOrigin } from '../origin/src/origin.ts';
import { ApiClient } from './lib/api-client.ts';
import { ensureConsoleBuild } from './lib/console-build.ts';
import { serveDocs } from './lib/docs-server.ts';
import { acquireLock, releaseLock } from './lib/instance-lock.ts';
import { localOriginSecret } from './lib/local-secrets.ts';
import { startMailCatcher } from './lib/mail-catcher.ts';
import { startOpenIdProvider } from './lib/openid-provider.ts';
import { type DemoSeed, type DemoStream, seedDemo, seedDemoStream } from './lib/seed.ts';
import { ROOT, startWorker, type WorkerHandle } from './lib/worker-process.ts';

// EDGELIVE_HOME lets tests run a second, separate stack beside a developer's own.
const STATE_DIR = process.env.EDGELIVE_HOME ?? join(ROOT, '.edgelive');
const LOCAL_JSON = join(STATE_DIR, 'local.json');
const LOCK = join(STATE_DIR, 'start.pid');
const API_PORT = Number(process.env.EDGELIVE_API_PORT ?? 8787);
const RTMP_PORT = Number(process.env.EDGELIVE_RTMP_PORT ?? 1935);
const RTMPS_PORT = Number(process.env.EDGELIVE_RTMPS_PORT ?? 1936);
const SRT_PORT = Number(process.env.EDGELIVE_SRT_PORT ?? 9000);
const WHIP_PORT = Number(process.env.EDGELIVE_WHIP_PORT ?? 8889);
const CONSOLE_PORT = Number(process.env.EDGELIVE_CONSOLE_PORT ?? 5173);
const DOCS_PORT = Number(process.env.EDGELIVE_DOCS_PORT ?? 8790);
const SMTP_PORT = Number(process.env.EDGELIVE_SMTP_PORT ?? 1025);
const MAIL_PORT = Number(process.env.EDGELIVE_MAIL_PORT ?? 8025);
const OIDC_PORT = Number(process.env.EDGELIVE_OIDC_PORT ?? 9410);
const OIDC_GITHUB_PORT = Number(process.env.EDGELIVE_OIDC_GITHUB_PORT ?? 9411);
const ORIGIN_ID = 'orig_local';

interface LocalJson {
  api_url: string;
  reference_url: string;
  openapi_url: string;
  console_url: string;
  docs_url: string | null;
  mail_url: string;
  smtp_url: string;
  mail_dir: string;
  rtmp_url: string;
  rtmps_url: string | null;
  srt_url: string | null;
  whip_url: string | null;
  origin_id: string;
  oauth: LocalOAuth;
  demo: DemoSeed & {
    stream: DemoStream & { publish_url: string; playback_url: string };
  };
}

/** The local OpenID Provider standing in for Google and GitHub (scripts/lib/openid-provider.ts). */
interface LocalOAuth {
  google_issuer: string;
  github_url: string;
  github_api_url: string;
  client_id: string;
  client_secret: string;
  sign_in: string;
}

async function main() {
  mkdirSync(STATE_DIR, { recursive: true });
  const lock = acquireLock(LOCK);
  if (!lock.ok) {
    const urls = existsSync(LOCAL_JSON)
      ? ` at ${(JSON.parse(readFileSync(LOCAL_JSON, 'utf8')) as LocalJson).api_url}`
      : '';
    console.error(
      `Edgelive is already running${urls} (pid ${lock.pid}). Stop it with Ctrl-C in its terminal, or: kill ${lock.pid}`,
    );
    process.exit(1);
  }
  const stoppers: (() => Promise<void>)[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    releaseLock(LOCK);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    // This installation's own origin secret, not the well-known dev default in wrangler.jsonc.
    const originSecret = localOriginSecret(STATE_DIR);
    const consoleUrl = `http://127.0.0.1:${CONSOLE_PORT}`;
    console.log('Starting the mail catcher (SMTP on 127.0.0.1)...');
    const mailDir = join(STATE_DIR, 'mail');
    const mail = await startMailCatcher({ smtpPort: SMTP_PORT, httpPort: MAIL_PORT, dir: mailDir });
    stoppers.push(mail.stop);
    // "Sign in with Google/GitHub" locally: a real OpenID Provider on 127.0.0.1, as the e2e tests use.
    console.log('Starting the local OpenID Provider (Google and GitHub sign-in)...');
    const apiBase = `http://127.0.0.1:${API_PORT}`;
    const op = await startOpenIdProvider({
      port: OIDC_PORT,
      githubPort: OIDC_GITHUB_PORT,
      redirectUris: [`${apiBase}/v1/auth/oauth/google/callback`, `${apiBase}/v1/auth/oauth/github/callback`],
    });
    stoppers.push(op.stop);
    console.log('Starting the Worker (wrangler dev, local D1/R2/Durable Objects)...');
    const worker: WorkerHandle = await startWorker({
      port: API_PORT,
      persistTo: join(STATE_DIR, 'state'),
      vars: {
        ORIGIN_SECRETS: JSON.stringify({ [ORIGIN_ID]: originSecret }),
        CONSOLE_URL: consoleUrl,
        SMTP_URL: mail.smtpUrl,
        OAUTH_GOOGLE_CLIENT_ID: op.clientId,
        OAUTH_GOOGLE_CLIENT_SECRET: op.clientSecret,
        OAUTH_GOOGLE_ISSUER: op.issuer,
        OAUTH_GITHUB_CLIENT_ID: op.clientId,
        OAUTH_GITHUB_CLIENT_SECRET: op.clientSecret,
        OAUTH_GITHUB_URL: op.githubUrl,
        OAUTH_GITHUB_API_URL: op.githubApiUrl,
      },
    });
    stoppers.push(worker.stop);
    // What the deployed Cron Trigger does every minute (wrangler dev fires no crons): deliver what
    // the events outbox still holds, seal rows from before at-rest encryption (a one-off per row).
    await worker.runScheduled();
    const cron = setInterval(() => void worker.runScheduled().catch(() => undefined), 60_000);
    stoppers.push(async () => clearInterval(cron));

    console.log('Starting the media origin (NGINX-RTMP, agent, FFmpeg)...');
    const origin = await startOrigin({
      originId: ORIGIN_ID,
      secret: originSecret,
      workerUrl: worker.url,
      rtmpPort: RTMP_PORT,
      rtmpHost: '0.0.0.0',
      httpPort: 0,
      runtimeDir: join(STATE_DIR, 'origin'),
      // TLS with a self-signed certificate kept in the origin's runtime dir (origin/src/rtmps.ts).
      rtmps: { port: RTMPS_PORT, host: '0.0.0.0' },
      // One UDP listener for every SRT publisher (origin/src/srt-ingest.ts).
      srt: { port: SRT_PORT, host: '0.0.0.0' },
      // WebRTC publishers over WHIP, OBS 30+ (origin/src/whip/whip-server.ts).
      whip: { port: WHIP_PORT, host: '0.0.0.0' },
    });
    stoppers.push(origin.stop);

    console.log('Building and serving the console...');
    ensureConsoleBuild();
    const rtmpUrl = `rtmp://127.0.0.1:${RTMP_PORT}/live`;
    const served = await serveConsole({ port: CONSOLE_PORT, apiUrl: worker.url, rtmpUrl });
    stoppers.push(served.close);
    const docs = await serveDocs({ port: DOCS_PORT, stateDir: STATE_DIR });
    stoppers.push(docs.close);

    const previous = existsSync(LOCAL_JSON)
      ? (JSON.parse(readFileSync(LOCAL_JSON, 'utf8')) as Partial<LocalJson>).demo
      : undefined;
    const demo = await seedDemo(worker.url, previous);
    const stream = await seedDemoStream(new ApiClient(worker.url, demo.api_key.token), previous?.stream?.id);
    const local: LocalJson = {
      api_url: worker.url,
      reference_url: `${worker.url}/v1/reference`,
      openapi_url: `${worker.url}/v1/openapi.json`,
      console_url: served.url,
      docs_url: docs.url,
      mail_url: mail.url,
      smtp_url: mail.smtpUrl,
      mail_dir: mailDir,
      rtmp_url: rtmpUrl,
      rtmps_url: origin.rtmpsUrl,
      srt_url: origin.srtUrl,
      whip_url: origin.whipUrl,
      origin_id: ORIGIN_ID,
      oauth: {
        google_issuer: op.issuer,
        github_url: op.githubUrl,
        github_api_url: op.githubApiUrl,
        client_id: op.clientId,
        client_secret: op.clientSecret,
        sign_in: "any login name (it becomes the account's verified email); the password is not checked",
      },
      demo: {
        ...demo,
        stream: {
          ...stream,
          publish_url: `${rtmpUrl}/${stream.stream_key}`,
          playback_url: `${worker.url}/hls/${stream.playback_id}.m3u8`,
        },
      },
    };
    writeFileSync(LOCAL_JSON, `${JSON.stringify(local, null, 2)}\n`);
    printSummary(local);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await shutdown(1);
  }
}

function printSummary(l: LocalJson) {
  const d = l.demo;
  console.log(`
Edgelive is running. Ctrl-C stops it.

  Console      ${l.console_url}
  API          ${l.api_url}
  Reference    ${l.reference_url}
  Docs         ${l.docs_url ?? `(port ${DOCS_PORT} busy: tsx scripts/docs.ts builds them)`}
  Mail         ${l.mail_url}   (every message the Worker sends; also in ${l.mail_dir})
  Sign-in      "Sign in with Google/GitHub" uses the local OpenID Provider at ${l.oauth.google_issuer}
               (${l.oauth.sign_in})

  Demo console account   ${d.account.email} / ${d.account.password}
  Demo app               ${d.app.id} (${d.app.name})
  Demo API key           ${d.api_key.token}
  Demo signing key       ${d.signing_key.id} (private key in .edgelive/local.json)

  Publish (OBS)   server ${l.rtmp_url}   stream key ${d.stream.stream_key}
                  or ${l.rtmps_url ?? '(RTMPS off)'}   (TLS, self-signed certificate)
                  or ${l.srt_url ? `${l.srt_url}?streamid=${d.stream.stream_key}` : '(SRT off)'}
                  or ${l.whip_url ? `${l.whip_url}   (OBS Service "WHIP", Bearer token = the stream key)` : '(WHIP off)'}
  No OBS?         ./edgelive publish     (a test pattern to the demo stream)
  Watch (HLS)     ${d.stream.playback_url}

  Try:  curl -H "Authorization: Bearer ${d.api_key.token}" ${l.api_url}/v1/streams

Everything above is also in .edgelive/local.json.`);
}

void main();
