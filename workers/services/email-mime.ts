/**
 * A message as real MIME (RFC 5322 + RFC 2045/2046): `multipart/alternative` with a text part
 * and an HTML part, both UTF-8 in base64 so no line is longer than 76 characters and no body line
 * can start with the SMTP end-of-data dot.
 */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

const base64Utf8 = (s: string) => {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
};

const wrap76 = (s: string) => s.match(/.{1,76}/g)?.join('\r\n') ?? '';

/** RFC 2047 encoded-word for headers that are not plain ASCII (a subject naming an app, say). */
export function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${base64Utf8(value)}?=`;
}

export function buildMime(m: OutgoingMail, now = new Date(), id = crypto.randomUUID()): string {
  const boundary = `edgelive-${id}`;
  const domain = m.from.split('@')[1] ?? 'edgelive.local';
  const headers = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${encodeHeader(m.subject)}`,
    `Date: ${now.toUTCString()}`,
    `Message-ID: <${id}@${domain}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) => [
    `--${boundary}`,
    `Content-Type: ${type}; charset=utf-8`,
    'Content-Transfer-Encoding: base64',
    '',
    wrap76(base64Utf8(body)),
  ];
  return [...headers, '', ...part('text/plain', m.text), ...part('text/html', m.html), `--${boundary}--`, ''].join(
    '\r\n',
  );
}
