import { z } from '@hono/zod-openapi';
import { iso } from '../../core/time';
import type { UserRow } from '../services/accounts.service';

export const Email = z.string().trim().toLowerCase().email().max(254);
export const Password = z.string().min(10, 'Use at least 10 characters.').max(256);

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    email_verified: z.boolean(),
    created_at: z.string(),
  })
  .openapi('User');

export const renderUser = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  email_verified: u.emailVerifiedAt != null,
  created_at: iso(u.createdAt)!,
});
