const KEY = 'edgelive.org';

/** The organization the console last showed, so a return visit lands where the user left. */
export function rememberedOrg(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function rememberOrg(orgId: string): void {
  try {
    localStorage.setItem(KEY, orgId);
  } catch {
    // private mode without storage: the console still works, it just forgets
  }
}

/** Picks the org to open: the remembered one if the user still belongs to it, else the first. */
export function pickOrg(orgIds: readonly string[], remembered: string | null): string | null {
  if (remembered && orgIds.includes(remembered)) return remembered;
  return orgIds[0] ?? null;
}
