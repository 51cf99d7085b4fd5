-- Add-ons attached to subscriptions. Future-dated adds, changes, cancellations and expiries are
-- scheduled changes (target type 'subscription_addon'); `provisioning` tracks the network
-- provider's side when the tenant has one.
CREATE TABLE subscription_addon (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  subscription_id uuid NOT NULL,
  product_offering_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'CANCELLED', 'EXPIRED')),
  reference_id text CHECK (length(reference_id) BETWEEN 1 AND 255),
  license_id uuid,
  added_at timestamptz NOT NULL,
  activated_at timestamptz,
  billing_anchor_at timestamptz,
  expires_at timestamptz,
  cancelled_at timestamptz,
  expired_at timestamptz,
  end_reason text,
  provisioning jsonb,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, subscription_id) REFERENCES subscription (tenant_id, id),
  FOREIGN KEY (tenant_id, product_offering_id) REFERENCES product_offering (tenant_id, id)
);
CREATE UNIQUE INDEX subscription_addon_reference ON subscription_addon (tenant_id, reference_id) WHERE reference_id IS NOT NULL;
CREATE INDEX subscription_addon_by_subscription ON subscription_addon (tenant_id, subscription_id, id);
