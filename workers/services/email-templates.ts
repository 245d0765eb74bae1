import type { OutgoingMail } from './email-mime';

/**
 * The account mails, each as text and HTML in the platform's brand (console accounts belong to
 * Edgelive, not to a customer's app). Links go to the console, which calls the API.
 */
type Mail = Omit<OutgoingMail, 'from'>;

const BRAND = 'Edgelive';
const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

function layout(title: string, paragraphs: string[], action?: { label: string; url: string }) {
  const body = paragraphs.map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`).join('');
  const button = action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="background:#4f46e5;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p><p style="font-size:12px;color:#666">Or paste this link: ${escapeHtml(action.url)}</p>`
    : '';
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;max-width:560px;margin:0 auto;padding:24px"><h1 style="font-size:20px">${escapeHtml(BRAND)}: ${escapeHtml(title)}</h1>${body}${button}</body></html>`;
}

const textOf = (paragraphs: string[], url?: string) =>
  [...paragraphs, ...(url ? [url] : []), `— ${BRAND}`].join('\n\n');

function mail(to: string, subject: string, paragraphs: string[], action?: { label: string; url: string }): Mail {
  return {
    to,
    subject: `${BRAND}: ${subject}`,
    text: textOf(paragraphs, action?.url),
    html: layout(subject, paragraphs, action),
  };
}

export const verifyEmailMail = (to: string, url: string) =>
  mail(
    to,
    'confirm your email address',
    ['Confirm that this address is yours to finish setting up your account. The link works once, for 24 hours.'],
    { label: 'Confirm email', url },
  );

export const resetPasswordMail = (to: string, url: string) =>
  mail(
    to,
    'reset your password',
    [
      'Someone asked to reset the password of the account with this address. The link works once, for 30 minutes, and signs out every session.',
      'If it was not you, ignore this message: nothing changes.',
    ],
    { label: 'Choose a new password', url },
  );

export const changeEmailConfirmMail = (to: string, url: string) =>
  mail(to, 'confirm your new email address', ['Confirm this address to make it the sign-in address of your account.'], {
    label: 'Confirm new address',
    url,
  });

export const changeEmailNoticeMail = (to: string, newEmail: string) =>
  mail(to, 'email change requested', [
    `A change of your sign-in address to ${newEmail} was requested. It takes effect once the new address confirms it.`,
    'If it was not you, reset your password now.',
  ]);

export const emailChangedMail = (to: string, from: string, toAddress: string) =>
  mail(to, 'your email address changed', [`The sign-in address of your account changed from ${from} to ${toAddress}.`]);

export const invitationMail = (to: string, orgName: string, role: string, url: string) =>
  mail(
    to,
    `you are invited to ${orgName}`,
    [`You are invited to join ${orgName} as ${role}. Confirm your email address first if you have not.`],
    {
      label: 'Accept invitation',
      url,
    },
  );
