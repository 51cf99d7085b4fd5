-- The dispatcher's claim (webhook.repository.ts lockClaimable) takes a tenant's due deliveries in
-- (next_attempt_at, seq) order. With seq in the index the scan comes out in that order and stops
-- at the claim's limit, probing webhook_delivery_open_stream for the head-of-stream check of each
-- row it passes; without it every pending delivery was read, checked and sorted at each claim, and
-- at a 2000-delivery backlog the estimate crossed jit_above_cost, so PostgreSQL compiled the
-- query (30 to 60 ms) at every claim.
DROP INDEX webhook_delivery_due;
CREATE INDEX webhook_delivery_due ON webhook_delivery (tenant_id, next_attempt_at, seq) WHERE status = 'pending';
