import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, maxLength, required } from '../../forms/validators';
import { SelectField, TextArea, TextField } from '../../ui/field';
import { FormError } from '../../ui/states';
import type { Channel, ChannelInput } from './channels.queries';

/** The slug rule of the API (channels.schema.ts), checked here first so the field says why. */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

type Fields = 'slug' | 'display_name' | 'bio' | 'links' | 'tags';

/** Links are edited one per line, "Label https://url": the last word is the URL. */
export function parseLinks(text: string): { links: { label: string; url: string }[]; bad: string | null } {
  const links: { label: string; url: string }[] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const at = line.lastIndexOf(' ');
    const url = at < 0 ? line : line.slice(at + 1);
    const label = at < 0 ? '' : line.slice(0, at).trim();
    if (!label || !/^https?:\/\/\S+$/i.test(url)) return { links, bad: line };
    links.push({ label, url });
  }
  return { links, bad: null };
}

export const linksText = (links: Channel['links']) => links.map((l) => `${l.label} ${l.url}`).join('\n');

export function ChannelForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  initial?: Channel;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (v: ChannelInput & { slug: string; display_name: string }, fromApi: (e: unknown) => void) => void;
}) {
  const form = useFormErrors<Fields>();
  const [v, setV] = useState({
    slug: initial?.slug ?? '',
    display_name: initial?.display_name ?? '',
    bio: initial?.bio ?? '',
    links: linksText(initial?.links ?? []),
    category: initial?.category ?? '',
    tags: (initial?.tags ?? []).join(', '),
    visibility: initial?.visibility ?? 'public',
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { links, bad } = parseLinks(v.links);
    const tags = v.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const ok = form.check(
      collect({
        slug:
          required(v.slug, 'Slug') ?? (SLUG.test(v.slug) ? undefined : 'Lowercase letters, digits and inner dashes.'),
        display_name: required(v.display_name, 'Display name') ?? maxLength(v.display_name, 100, 'Display name'),
        bio: maxLength(v.bio, 2000, 'Bio'),
        links: bad
          ? `"${bad.slice(0, 40)}" is not "Label https://…".`
          : links.length > 10
            ? 'At most 10 links.'
            : undefined,
        tags: tags.length > 20 ? 'At most 20 tags.' : undefined,
      }),
    );
    if (!ok) return;
    onSubmit(
      {
        slug: v.slug,
        display_name: v.display_name.trim(),
        bio: v.bio,
        links,
        category: v.category.trim() || null,
        tags,
        visibility: v.visibility as 'public' | 'unlisted',
      },
      form.fromApi,
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Channel profile">
      <FormError error={error} />
      <TextField
        label="Display name"
        value={v.display_name}
        error={form.errors.display_name}
        onChange={(e) => setV({ ...v, display_name: e.target.value })}
      />
      <TextField
        label="Slug"
        hint="The watch page's address: /watch/<slug>."
        value={v.slug}
        error={form.errors.slug}
        onChange={(e) => setV({ ...v, slug: e.target.value.toLowerCase() })}
      />
      <TextArea
        label="Bio"
        rows={3}
        value={v.bio}
        error={form.errors.bio}
        onChange={(e) => setV({ ...v, bio: e.target.value })}
      />
      <TextArea
        label="Links"
        rows={3}
        hint='One per line: "Website https://example.com".'
        value={v.links}
        error={form.errors.links}
        onChange={(e) => setV({ ...v, links: e.target.value })}
      />
      <TextField label="Category" value={v.category} onChange={(e) => setV({ ...v, category: e.target.value })} />
      <TextField
        label="Tags"
        hint="Comma-separated."
        value={v.tags}
        error={form.errors.tags}
        onChange={(e) => setV({ ...v, tags: e.target.value })}
      />
      <SelectField
        label="Visibility"
        hint="Unlisted pages are served but ask search engines not to index them."
        value={v.visibility}
        options={[
          ['public', 'Public'],
          ['unlisted', 'Unlisted'],
        ]}
        onChange={(e) => setV({ ...v, visibility: e.target.value as 'public' | 'unlisted' })}
      />
      <div className="row">
        <button className="primary" type="submit" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
