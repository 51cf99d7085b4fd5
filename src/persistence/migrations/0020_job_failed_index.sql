-- The portal's failed-jobs page reads a tenant's failed jobs in id order; failed jobs are kept
-- (only succeeded ones are purged), so without this it would scan the tenant's whole job history.
CREATE INDEX job_failed ON job (tenant_id, id) WHERE state = 'failed';
