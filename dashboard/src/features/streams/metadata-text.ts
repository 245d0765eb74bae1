/**
 * A stream's `metadata` (the customer's own key/value pairs) as the form edits it: one `key=value`
 * per line. Parsed and checked against the API's limits (50 keys of up to 40 characters, values up
 * to 500) before anything is sent.
 */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

export const metadataToText = (m: Record<string, string> | null | undefined): string =>
  Object.entries(m ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

export function parseMetadata(text: string): { value: Record<string, string> } | { error: string } {
  const value: Record<string, string> = {};
  const lines = text.split('\n').filter((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (eq < 0 || !key) return { error: `Line ${i + 1}: write key=value.` };
    if (key.length > METADATA_LIMITS.keyLength)
      return { error: `Line ${i + 1}: keys are at most ${METADATA_LIMITS.keyLength} characters.` };
    const v = line.slice(eq + 1).trim();
    if (v.length > METADATA_LIMITS.valueLength)
      return { error: `Line ${i + 1}: values are at most ${METADATA_LIMITS.valueLength} characters.` };
    if (key in value) return { error: `Line ${i + 1}: "${key}" is already set above.` };
    value[key] = v;
  }
  if (Object.keys(value).length > METADATA_LIMITS.keys) return { error: `At most ${METADATA_LIMITS.keys} keys.` };
  return { value };
}
