-- Every event belongs to a resource stream and is numbered within it, 1, 2, 3, … without gaps per
-- tenant: a webhook receiver sees what it missed, and delivery keeps order per stream. A
-- subscription's stream holds its add-ons', top-ups', licenses' and port-in's events too; every
-- other resource is its own stream. `event_stream` keeps the last number of each stream; an emitting
-- transaction bumps it with an upsert, so the row lock serialises writers of one stream and the
-- numbers commit (or roll back) with the events.
ALTER TABLE event ADD COLUMN stream_type text, ADD COLUMN stream_id text, ADD COLUMN sequence bigint;

UPDATE event SET stream_type = resource_type, stream_id = resource_id;
UPDATE event e SET stream_type = 'subscription', stream_id = a.subscription_id::text
  FROM subscription_addon a
  WHERE e.resource_type = 'subscription_addon' AND a.tenant_id = e.tenant_id AND a.id::text = e.resource_id;
UPDATE event e SET stream_type = 'subscription', stream_id = t.subscription_id::text
  FROM subscription_topup t
  WHERE e.resource_type = 'subscription_topup' AND t.tenant_id = e.tenant_id AND t.id::text = e.resource_id;
UPDATE event e SET stream_type = 'subscription', stream_id = p.subscription_id::text
  FROM port_in p
  WHERE e.resource_type = 'port_in' AND p.tenant_id = e.tenant_id AND p.id::text = e.resource_id;
-- A license's events from the time it was assigned: the stream of the subscription it has now.
UPDATE event e SET stream_type = 'subscription', stream_id = l.subscription_id::text
  FROM license l
  WHERE e.resource_type = 'license' AND l.tenant_id = e.tenant_id AND l.id::text = e.resource_id
    AND l.subscription_id IS NOT NULL;

-- Event ids are time-ordered (UUIDv7), and the order the outbox lists them in.
UPDATE event e SET sequence = n.sequence
  FROM (
    SELECT tenant_id, id, row_number() OVER (PARTITION BY tenant_id, stream_type, stream_id ORDER BY id) AS sequence
    FROM event
  ) n
  WHERE e.tenant_id = n.tenant_id AND e.id = n.id;

ALTER TABLE event
  ALTER COLUMN stream_type SET NOT NULL,
  ALTER COLUMN stream_id SET NOT NULL,
  ALTER COLUMN sequence SET NOT NULL;
CREATE UNIQUE INDEX event_by_stream ON event (tenant_id, stream_type, stream_id, sequence);

CREATE TABLE event_stream (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  stream_type text NOT NULL,
  stream_id text NOT NULL,
  last_sequence bigint NOT NULL,
  PRIMARY KEY (tenant_id, stream_type, stream_id)
);
INSERT INTO event_stream (tenant_id, stream_type, stream_id, last_sequence)
  SELECT tenant_id, stream_type, stream_id, max(sequence) FROM event GROUP BY tenant_id, stream_type, stream_id;
