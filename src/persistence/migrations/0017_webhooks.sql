-- Webhooks: the integrator's endpoints, one delivery row per event and endpoint, and each attempt.
--
-- Fan-out writes the delivery rows in the transaction that writes the event, so a rolled-back
-- change never delivers and a committed one always does. `stream_key` names the resource stream an
-- event belongs to (a subscription, with its add-ons, top-ups and port-in); per endpoint and
-- stream, deliveries go out in `seq` order, the next only once the one before is acknowledged or
-- has finally failed. `next_attempt_at` is on the tenant's clock (a sandbox test clock walks it);
-- `lease_until` is on the real clock: a dispatcher that dies mid-send loses its lease and another
-- one sends the delivery again, with the same event id.
CREATE TABLE webhook_endpoint (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  url text NOT NULL,
  description text,
  -- NULL: every event type; else exact types and `prefix.*` patterns.
  event_types jsonb,
  enabled boolean NOT NULL,
  disabled_reason text,
  headers jsonb NOT NULL DEFAULT '{}',
  metadata jsonb NOT NULL DEFAULT '{}',
  -- AES-256-GCM under OPENLINE_SECRET_KEY; never the plain secret.
  secret_ciphertext text NOT NULL,
  previous_secret_ciphertext text,
  previous_secret_expires_at timestamptz,
  -- Set at the first failure after a success; while set, one probe at a time.
  failing_since timestamptz,
  next_probe_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CHECK (enabled = (disabled_reason IS NULL)),
  CHECK ((previous_secret_ciphertext IS NULL) = (previous_secret_expires_at IS NULL))
);

CREATE TABLE webhook_delivery (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  endpoint_id uuid NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  stream_key text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'paused')),
  -- Every attempt made; `retry_step` counts the scheduled retries used (an early probe uses none).
  attempts integer NOT NULL DEFAULT 0,
  retry_step integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_until timestamptz,
  lease_owner text,
  last_attempt_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoint (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, event_id) REFERENCES event (tenant_id, id)
);
-- The dispatcher's scan, and the head-of-stream check.
CREATE INDEX webhook_delivery_due ON webhook_delivery (tenant_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_open_stream ON webhook_delivery (tenant_id, endpoint_id, stream_key, seq)
  WHERE status IN ('pending', 'paused');
CREATE INDEX webhook_delivery_by_endpoint ON webhook_delivery (tenant_id, endpoint_id, id);

CREATE TABLE webhook_attempt (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  delivery_id uuid NOT NULL,
  -- On the tenant's clock, like the schedule.
  at timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  status_code integer,
  -- The first 2 KiB of the answer.
  response_body text,
  error text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_delivery (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_attempt_by_delivery ON webhook_attempt (tenant_id, delivery_id, id);
