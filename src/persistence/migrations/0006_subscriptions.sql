-- Subscriptions: the telecom service a customer holds, with its status machine. Future-dated
-- changes live in scheduled_change (0005) and show here as pending* fields.
CREATE TABLE subscription (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  reference_id text CHECK (length(reference_id) BETWEEN 1 AND 255),
  status text NOT NULL CHECK (status IN ('PENDING', 'ACTIVATED', 'BLOCKED', 'PAUSED', 'CANCELLED')),
  type text NOT NULL,
  msisdn text,
  display text,
  customer_id uuid NOT NULL,
  subscriber_id uuid,
  product_offering_id text NOT NULL,
  sim jsonb NOT NULL DEFAULT '{"esim": false}',
  extensions jsonb NOT NULL DEFAULT '{}',
  porting jsonb,
  -- The billing cycle is anchored at activation; null until then.
  billing_anchor_at timestamptz,
  activated_at timestamptz,
  cancelled_at timestamptz,
  cancellation jsonb,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customer (tenant_id, id),
  FOREIGN KEY (tenant_id, subscriber_id) REFERENCES subscriber (tenant_id, id),
  FOREIGN KEY (tenant_id, product_offering_id) REFERENCES product_offering (tenant_id, id)
);
CREATE UNIQUE INDEX subscription_reference ON subscription (tenant_id, reference_id) WHERE reference_id IS NOT NULL;
CREATE INDEX subscription_by_customer ON subscription (tenant_id, customer_id, id);
CREATE INDEX subscription_by_subscriber ON subscription (tenant_id, subscriber_id, id);
CREATE INDEX subscription_by_offering ON subscription (tenant_id, product_offering_id, id);
CREATE INDEX subscription_by_msisdn ON subscription (tenant_id, msisdn, id);
CREATE INDEX subscription_by_status ON subscription (tenant_id, status, id);
