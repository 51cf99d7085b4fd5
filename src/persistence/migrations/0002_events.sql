-- The outbox: every state change writes its event in the same transaction. Webhook delivery reads
-- from here, so nothing is lost if a process dies between commit and delivery.
CREATE TABLE event (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  type text NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  occurred_at timestamptz NOT NULL,
  data jsonb NOT NULL,
  request_id text,
  actor_type text NOT NULL,
  actor_id text NOT NULL,
  actor_label text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX event_by_type ON event (tenant_id, type, id);
CREATE INDEX event_by_resource ON event (tenant_id, resource_type, resource_id, id);
