/**
 * An app's white-label look, as the pages apply it: a name, images, a few CSS variables, a theme,
 * a footer and whether "powered by" shows. `DEFAULT_BRAND` is what an app without branding gets;
 * once an app sets a name, no Edgelive name appears anywhere on its pages.
 */
export interface Brand {
  name: string;
  logo_url: string | null;
  favicon_url: string | null;
  theme: 'dark' | 'light';
  colors: { accent: string; background: string; surface: string; text: string };
  footer: string | null;
  powered_by: boolean;
}

export const DEFAULT_COLORS: Record<Brand['theme'], Brand['colors']> = {
  dark: { accent: '#e11d48', background: '#0b0b0f', surface: '#17171f', text: '#f4f4f5' },
  light: { accent: '#e11d48', background: '#f7f7f8', surface: '#ffffff', text: '#18181b' },
};

export const DEFAULT_BRAND: Brand = {
  name: 'Edgelive',
  logo_url: null,
  favicon_url: null,
  theme: 'dark',
  colors: DEFAULT_COLORS.dark,
  footer: null,
  powered_by: true,
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);

/** Colours are checked on the way in (branding schema); this is the CSS they become. */
export const brandCss = (b: Brand) =>
  `:root{--accent:${b.colors.accent};--bg:${b.colors.background};--surface:${b.colors.surface};--text:${b.colors.text};color-scheme:${b.theme}}`;

export function brandHead(b: Brand): string {
  return b.favicon_url ? `<link rel="icon" href="${esc(b.favicon_url)}">` : '';
}

export function brandHeader(b: Brand): string {
  const logo = b.logo_url ? `<img class="logo" src="${esc(b.logo_url)}" alt="" width="28" height="28">` : '';
  return `<header class="top">${logo}<span class="brand">${esc(b.name)}</span></header>`;
}

export function brandFooter(b: Brand): string {
  const parts = [b.footer ? esc(b.footer) : '', b.powered_by ? 'Powered by Edgelive' : ''].filter(Boolean);
  return parts.length ? `<footer class="foot">${parts.join(' · ')}</footer>` : '';
}
