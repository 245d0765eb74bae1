import { z } from '@hono/zod-openapi';
import type { invitations, members, orgs, users } from '../../core/db/schema/index';
import { iso } from '../../core/time';
import type { Role } from '../env';

/** Request and response shapes of organizations, members and invitations, and their renderers. */

export type OrgRow = typeof orgs.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type InvitationRow = typeof invitations.$inferSelect;

export const RoleEnum = z.enum(['owner', 'admin', 'developer', 'viewer']);
export const OrgName = z.string().trim().min(1).max(100);

export const Org = z
  .object({ id: z.string(), name: z.string(), role: RoleEnum, require_two_factor: z.boolean(), created_at: z.string() })
  .openapi('Org');
export const Member = z
  .object({
    id: z.string(),
    user_id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleEnum,
    created_at: z.string(),
  })
  .openapi('Member');
export const Invitation = z
  .object({
    id: z.string(),
    email: z.string(),
    role: RoleEnum,
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    created_at: z.string(),
    expires_at: z.string(),
  })
  .openapi('Invitation');

export const CreateInvitationBody = z
  .object({ email: z.string().trim().toLowerCase().email(), role: RoleEnum })
  .strict();

export const renderOrg = (o: OrgRow, role: Role) => ({
  id: o.id,
  name: o.name,
  role,
  require_two_factor: o.requireTwoFactor,
  created_at: iso(o.createdAt)!,
});

export const renderMember = ({ m, u }: { m: MemberRow; u: UserRow }) => ({
  id: m.id,
  user_id: u.id,
  email: u.email,
  name: u.name,
  role: m.role,
  created_at: iso(m.createdAt)!,
});

export const renderInvitation = (i: InvitationRow) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  status: i.acceptedAt
    ? ('accepted' as const)
    : i.revokedAt
      ? ('revoked' as const)
      : i.expiresAt < Date.now()
        ? ('expired' as const)
        : ('pending' as const),
  created_at: iso(i.createdAt)!,
  expires_at: iso(i.expiresAt)!,
});
