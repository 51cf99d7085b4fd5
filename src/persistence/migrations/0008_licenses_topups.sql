-- Licenses: software or services a customer holds, optionally assigned to one of its subscriptions.
-- Billed on their own cycle, anchored at activation; future-dated changes (activation, cancel,
-- offering change, renewal) live in scheduled_change (0005) under target type 'license'.
CREATE TABLE license (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  reference_id text CHECK (length(reference_id) BETWEEN 1 AND 255),
  status text NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'PAUSED', 'CANCELLED', 'BLOCKED')),
  type text NOT NULL,
  customer_id uuid NOT NULL,
  product_offering_id text NOT NULL,
  -- The subscription it is assigned to, if any: the license ends with it.
  subscription_id uuid,
  details jsonb NOT NULL DEFAULT '{}',
  billing_anchor_at timestamptz,
  activated_at timestamptz,
  cancelled_at timestamptz,
  paused_at timestamptz,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customer (tenant_id, id),
  FOREIGN KEY (tenant_id, product_offering_id) REFERENCES product_offering (tenant_id, id),
  FOREIGN KEY (tenant_id, subscription_id) REFERENCES subscription (tenant_id, id)
);
CREATE UNIQUE INDEX license_reference ON license (tenant_id, reference_id) WHERE reference_id IS NOT NULL;
CREATE INDEX license_by_customer ON license (tenant_id, customer_id, id);
CREATE INDEX license_by_subscription ON license (tenant_id, subscription_id, id);
CREATE INDEX license_by_status ON license (tenant_id, status, id);

-- Top-ups applied to a subscription: one-off purchases (a top-up offering), kept so operators can
-- see what was applied. PENDING and FAILED are for tenants whose network provider applies them.
CREATE TABLE subscription_topup (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  subscription_id uuid NOT NULL,
  product_offering_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'APPLIED', 'FAILED')),
  applied_at timestamptz,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, subscription_id) REFERENCES subscription (tenant_id, id),
  FOREIGN KEY (tenant_id, product_offering_id) REFERENCES product_offering (tenant_id, id)
);
CREATE INDEX subscription_topup_by_subscription ON subscription_topup (tenant_id, subscription_id, id);
