import Bowser from 'bowser';

/**
 * Browser and OS of a beacon's sender, from its User-Agent (bowser, a maintained parser) refined by
 * the `Sec-CH-UA` client hint: Chrome and Chromium send the same User-Agent, and only the brand
 * list tells them apart ("Google Chrome" is in Chrome's list, not in Chromium's).
 */
export interface Agent {
  browser: string;
  os: string;
}

const UNKNOWN = 'unknown';

/** `"Chromium";v="131", "Not_A Brand";v="24"` to its brand names. */
export function brandsOf(header: string | undefined): string[] {
  if (!header) return [];
  return [...header.matchAll(/"([^"]{1,64})"\s*;\s*v=/g)].map((m) => m[1]!);
}

export function parseAgent(userAgent: string | undefined, secChUa: string | undefined): Agent {
  if (!userAgent) return { browser: UNKNOWN, os: UNKNOWN };
  const r = Bowser.parse(userAgent.slice(0, 512));
  let browser = r.browser.name || UNKNOWN;
  const brands = brandsOf(secChUa);
  if (browser === 'Chrome' && brands.includes('Chromium') && !brands.includes('Google Chrome')) browser = 'Chromium';
  return { browser, os: r.os.name || UNKNOWN };
}
