-- Inventory imports sent from the portal: one row per uploaded file, so any process can show how it
-- went (a progress bar while it runs, then the counts and a report of the bad rows). The import
-- itself is one transaction of the inventory services; the row is marked done in that transaction.
CREATE TABLE inventory_import (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('numbers', 'sims')),
  file_name text NOT NULL,
  state text NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
  -- Rows the file holds (0 when it could not be read at all).
  total integer NOT NULL CHECK (total >= 0),
  imported integer NOT NULL DEFAULT 0,
  skipped integer NOT NULL DEFAULT 0,
  -- Every problem found, and the first ones ({line, field, value, reason}) for the report.
  error_count integer NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]',
  -- Who sent it (the operator's e-mail), as events name their actor.
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
