import { type CSSProperties, type FormEvent, useState } from 'react';
import { useParams } from 'react-router';
import '../../features/channels/channels.css';
import {
  type Branding,
  type BrandingInput,
  useBranding,
  useResetBranding,
  useSaveBranding,
} from '../../features/branding/branding.queries';
import { useChannels } from '../../features/channels/channels.queries';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, maxLength, required } from '../../forms/validators';
import { ConfirmButton } from '../../ui/confirm-button';
import { Checkbox, SelectField, TextField } from '../../ui/field';
import { PageHeader } from '../../ui/page-header';
import { FormError, QueryView } from '../../ui/states';

type Colors = Branding['colors'];
const COLOR_NAMES: [keyof Colors, string][] = [
  ['accent', 'Accent'],
  ['background', 'Background'],
  ['surface', 'Surface'],
  ['text', 'Text'],
];

const optionalUrl = (v: string) =>
  !v.trim() || /^https?:\/\/\S+$/i.test(v.trim()) ? undefined : 'Use an http(s) URL.';

/** The watch page in miniature, drawn from the form as it is being edited (before saving). */
function Preview({ v }: { v: Draft }) {
  const vars = {
    '--bg': v.colors.background,
    '--surface': v.colors.surface,
    '--text': v.colors.text,
    '--accent': v.colors.accent,
  } as CSSProperties;
  return (
    <div className="brand-preview" style={vars} aria-label="Watch page preview" role="img">
      <div className="bp-top">
        {v.logo_url && <img src={v.logo_url} alt="" />}
        {v.name || 'Your brand'}
      </div>
      <div className="bp-body">
        <div className="bp-player">
          <span className="bp-live">LIVE</span>
          <span>Channel name</span>
        </div>
        <div className="bp-chat">
          <strong>Chat</strong>
          <span>
            <b>sam</b> hello!
          </span>
          <button type="button" tabIndex={-1}>
            Send
          </button>
        </div>
      </div>
      <div className="bp-foot">
        {v.footer}
        {v.powered_by ? ' · Powered by Edgelive' : ''}
      </div>
    </div>
  );
}

interface Draft {
  name: string;
  logo_url: string;
  favicon_url: string;
  theme: 'dark' | 'light';
  colors: Colors;
  footer: string;
  powered_by: boolean;
}

function BrandingForm({ appId, brand }: { appId: string; brand: Branding }) {
  const save = useSaveBranding(appId);
  const reset = useResetBranding(appId);
  const channels = useChannels(appId);
  const form = useFormErrors<'name' | 'logo_url' | 'favicon_url' | 'footer'>();
  const [v, setV] = useState<Draft>({
    name: brand.custom ? brand.name : '',
    logo_url: brand.logo_url ?? '',
    favicon_url: brand.favicon_url ?? '',
    theme: brand.theme,
    colors: brand.colors,
    footer: brand.footer ?? '',
    // Off once a brand is set, as the API does: a white-label page names no one else.
    powered_by: brand.custom ? brand.powered_by : false,
  });
  const [saved, setSaved] = useState(0);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ok = form.check(
      collect({
        name: required(v.name, 'Name') ?? maxLength(v.name, 60, 'Name'),
        logo_url: optionalUrl(v.logo_url),
        favicon_url: optionalUrl(v.favicon_url),
        footer: maxLength(v.footer, 200, 'Footer'),
      }),
    );
    if (!ok) return;
    const body: BrandingInput = {
      name: v.name.trim(),
      logo_url: v.logo_url.trim() || null,
      favicon_url: v.favicon_url.trim() || null,
      theme: v.theme,
      colors: v.colors,
      footer: v.footer.trim() || null,
      powered_by: v.powered_by,
    };
    save.mutate(body, { onError: form.fromApi, onSuccess: () => setSaved((n) => n + 1) });
  };
  const watchUrl = channels.data?.data[0]?.watch_url;
  return (
    <div className="two-col">
      <form className="panel form" onSubmit={submit} noValidate aria-label="Branding">
        <FormError error={save.error ?? reset.error} />
        {save.isSuccess && (
          <div className="alert info" role="status">
            Saved: watch pages, embeds and chat use it now.
          </div>
        )}
        <TextField
          label="Name"
          value={v.name}
          error={form.errors.name}
          onChange={(e) => setV({ ...v, name: e.target.value })}
        />
        <TextField
          label="Logo URL"
          value={v.logo_url}
          error={form.errors.logo_url}
          onChange={(e) => setV({ ...v, logo_url: e.target.value })}
        />
        <TextField
          label="Favicon URL"
          value={v.favicon_url}
          error={form.errors.favicon_url}
          onChange={(e) => setV({ ...v, favicon_url: e.target.value })}
        />
        <SelectField
          label="Theme"
          value={v.theme}
          options={[
            ['dark', 'Dark'],
            ['light', 'Light'],
          ]}
          onChange={(e) => setV({ ...v, theme: e.target.value as Draft['theme'] })}
        />
        <fieldset className="row brand-colors">
          <legend>Colours</legend>
          {COLOR_NAMES.map(([k, label]) => (
            <label key={k} className="stack small">
              {label}
              <input
                type="color"
                aria-label={`${label} colour`}
                value={v.colors[k]}
                onChange={(e) => setV({ ...v, colors: { ...v.colors, [k]: e.target.value } })}
              />
            </label>
          ))}
        </fieldset>
        <TextField
          label="Footer"
          value={v.footer}
          error={form.errors.footer}
          onChange={(e) => setV({ ...v, footer: e.target.value })}
        />
        <Checkbox
          label='Show "Powered by Edgelive"'
          checked={v.powered_by}
          onChange={(e) => setV({ ...v, powered_by: e.target.checked })}
        />
        <div className="row">
          <button className="primary" type="submit" disabled={save.isPending}>
            Save branding
          </button>
          {brand.custom && (
            <ConfirmButton
              title="Reset branding"
              confirmLabel="Reset"
              message="Go back to the default look (and the Edgelive name) on every watch page?"
              onConfirm={() => reset.mutate(undefined, { onSuccess: () => window.location.reload() })}
            >
              Reset
            </ConfirmButton>
          )}
        </div>
      </form>
      <section className="stack" aria-labelledby="preview-h">
        <h2 id="preview-h">Preview</h2>
        <Preview v={v} />
        {watchUrl && (
          <>
            <p className="small muted">Your first channel’s watch page, as saved:</p>
            <iframe
              key={saved}
              title="Watch page as saved"
              src={watchUrl}
              style={{ width: '100%', height: 360, border: 0 }}
            />
          </>
        )}
      </section>
    </div>
  );
}

export function BrandingPage() {
  const { appId = '' } = useParams();
  const brand = useBranding(appId);
  return (
    <>
      <PageHeader
        title="Branding"
        description="Your name, logo and colours on watch pages, the embed player, chat and offline slates."
      />
      <QueryView query={brand}>{(b) => <BrandingForm appId={appId} brand={b} />}</QueryView>
    </>
  );
}
