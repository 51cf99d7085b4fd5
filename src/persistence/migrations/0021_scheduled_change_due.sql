-- The worker's batches of due changes read a tenant's pending changes by instant
-- (scheduled_change.repository.ts dueTargets); applied ones, the bulk of the table, stay out.
CREATE INDEX scheduled_change_due ON scheduled_change (tenant_id, effective_at) WHERE status = 'PENDING';
