import { eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { appBranding } from '../../core/db/schema/index';
import { type Brand, DEFAULT_BRAND, DEFAULT_COLORS } from '../lib/brand';

/** The app's brand as its pages apply it: what it set, over the defaults of its theme. */
export async function brandOf(db: Db, appId: string): Promise<Brand & { custom: boolean }> {
  const row = await db.query.appBranding.findFirst({ where: eq(appBranding.appId, appId) });
  if (!row) return { ...DEFAULT_BRAND, custom: false };
  const set = row.brand as BrandInput;
  const theme = set.theme ?? DEFAULT_BRAND.theme;
  return {
    ...DEFAULT_BRAND,
    // Once an app brands its pages, "powered by" is off unless it asks for it.
    powered_by: false,
    ...set,
    theme,
    colors: { ...DEFAULT_COLORS[theme], ...(set.colors ?? {}) },
    custom: true,
  };
}

/** What an app sets: any part of its brand, colours one by one. */
export type BrandInput = Partial<Omit<Brand, 'colors'>> & { colors?: Partial<Brand['colors']> };

export async function setBrand(db: Db, appId: string, brand: BrandInput) {
  const t = Date.now();
  await db
    .insert(appBranding)
    .values({ appId, brand, updatedAt: t })
    .onConflictDoUpdate({ target: appBranding.appId, set: { brand, updatedAt: t } });
  return brandOf(db, appId);
}

export async function resetBrand(db: Db, appId: string) {
  await db.delete(appBranding).where(eq(appBranding.appId, appId));
}
