-- Foundation: tenants, API keys, idempotency records and the job queue.
-- Every tenant-owned table leads its primary, unique and foreign keys with tenant_id, so a
-- tenant-distributed PostgreSQL (Citus) can shard by it without changing a query.

CREATE TABLE tenant (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE,
  time_zone text NOT NULL,
  sandbox boolean NOT NULL,
  clock_offset_ms bigint NOT NULL DEFAULT 0 CHECK (clock_offset_ms >= 0),
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE api_key (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  label text NOT NULL,
  secret_hash text NOT NULL,
  hint text NOT NULL,
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE idempotency_key (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 256),
  state text NOT NULL CHECK (state IN ('in_progress', 'completed', 'expired')),
  method text NOT NULL,
  route text NOT NULL,
  params_hash text NOT NULL,
  body_hash text NOT NULL,
  claim_token uuid NOT NULL,
  locked_until timestamptz,
  response_status integer,
  response_headers jsonb,
  response_body text,
  created_at timestamptz NOT NULL,
  completed_at timestamptz,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_key_expires_at ON idempotency_key (expires_at);

CREATE TABLE job (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  dedupe_key text,
  state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  run_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL CHECK (max_attempts >= 1),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
-- One live job per dedupe key: enqueueing the same key again while it waits or runs is a no-op.
CREATE UNIQUE INDEX job_dedupe_live ON job (tenant_id, dedupe_key) WHERE state IN ('queued', 'running');
CREATE INDEX job_due ON job (run_at) WHERE state IN ('queued', 'running');
CREATE INDEX job_finished ON job (updated_at) WHERE state IN ('succeeded', 'failed');
