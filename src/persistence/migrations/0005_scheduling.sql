-- One engine for every future-dated change (activate, cancel, block, pause, change an offering, add
-- or cancel an add-on, switch a number): each is a row here, shown on its resource as a pending*
-- field, applied by the worker exactly once when its instant arrives on the tenant's clock.
CREATE TABLE scheduled_change (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  target_type text NOT NULL,
  target_id uuid NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  effective_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'APPLIED', 'WITHDRAWN', 'SUPERSEDED', 'FAILED')),
  reason text,
  actor_type text NOT NULL,
  actor_id text NOT NULL,
  actor_label text NOT NULL,
  request_id text,
  outcome text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
-- A new pending change of the same kind replaces the old one: at most one pending per kind.
CREATE UNIQUE INDEX scheduled_change_one_pending_per_kind
  ON scheduled_change (tenant_id, target_type, target_id, kind) WHERE status = 'PENDING';
CREATE INDEX scheduled_change_by_target ON scheduled_change (tenant_id, target_type, target_id, effective_at);

-- What happened to a resource, for its timeline: who did what, when it took effect, and why.
CREATE TABLE timeline_entry (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  subject_type text NOT NULL,
  subject_id uuid NOT NULL,
  kind text NOT NULL,
  effective_at timestamptz NOT NULL,
  actor_type text NOT NULL,
  actor_id text NOT NULL,
  actor_label text NOT NULL,
  reason text,
  details jsonb NOT NULL DEFAULT '{}',
  scheduled_change_id uuid,
  request_id text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX timeline_entry_by_subject ON timeline_entry (tenant_id, subject_type, subject_id, effective_at);
