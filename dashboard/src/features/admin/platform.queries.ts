import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

/** The operator's platform views (origins, webhook backlog) and the maintenance banner everyone reads. */
export type Maintenance = components['schemas']['Maintenance'];
export type MaintenanceInput = { message: string; level: 'info' | 'warning'; ends_at: string | null };

const maintenanceKey = ['maintenance'] as const;

export function useAdminOrigins() {
  return useQuery({
    queryKey: ['admin', 'origins'],
    queryFn: () => unwrap(api.GET('/v1/admin/origins')),
    // Origins beat every 5 s: follow them at that pace.
    refetchInterval: 5000,
  });
}

export function useWebhookBacklog() {
  return useQuery({
    queryKey: ['admin', 'webhook-backlog'],
    queryFn: () => unwrap(api.GET('/v1/admin/webhooks/backlog')),
    refetchInterval: 10_000,
  });
}

/** Public: shown on every console page (and the sign-in page) while an operator has one up. */
export function useMaintenance() {
  return useQuery({
    queryKey: maintenanceKey,
    queryFn: () => unwrap(api.GET('/v1/maintenance')),
    refetchInterval: 60_000,
    select: (r) => r.maintenance,
  });
}

export function useSetMaintenance() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: MaintenanceInput) => unwrap(api.PUT('/v1/admin/maintenance', { body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: maintenanceKey });
      void qc.invalidateQueries({ queryKey: ['admin', 'audit'] });
    },
  });
}

export function useClearMaintenance() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/admin/maintenance')),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: maintenanceKey });
      void qc.invalidateQueries({ queryKey: ['admin', 'audit'] });
    },
  });
}
