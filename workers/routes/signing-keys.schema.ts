import { z } from '@hono/zod-openapi';
import type { signingKeys } from '../../core/db/schema/index';
import { iso } from '../../core/time';

/** Shapes of the signing keys API, and the renderer (the public half only: we never keep the private one). */

export type SigningKeyRow = typeof signingKeys.$inferSelect;

export const SigningKey = z
  .object({
    id: z.string(),
    app_id: z.string(),
    name: z.string(),
    algorithm: z.string(),
    public_key: z.string(),
    created_at: z.string(),
  })
  .openapi('SigningKey');
export const SigningKeyWithPrivate = SigningKey.extend({
  private_key: z.string().openapi({ description: 'PKCS#8 PEM. Shown once; we keep only the public key.' }),
  private_key_base64: z.string().openapi({ description: 'The same PEM, base64-encoded (the form Mux hands out).' }),
}).openapi('SigningKeyWithPrivate');

export const renderSigningKey = (k: SigningKeyRow) => ({
  id: k.id,
  app_id: k.appId,
  name: k.name,
  algorithm: k.algorithm,
  public_key: k.publicKey,
  created_at: iso(k.createdAt)!,
});

export const CreateSigningKeyBody = z.object({ name: z.string().trim().min(1).max(100).optional() }).strict();
