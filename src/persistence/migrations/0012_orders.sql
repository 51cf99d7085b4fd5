-- Orders: a cart of line items that is validated, priced, submitted and fulfilled into
-- subscriptions, add-ons, licenses, top-ups and changes. ("order" is reserved in SQL.)
CREATE TABLE sales_order (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'PENDING_PAYMENT', 'SUBMITTED', 'PENDING_APPROVAL', 'PROCESSING', 'COMPLETED', 'CANCELLED', 'EXPIRED', 'FAILED')),
  customer_id uuid,
  user_id uuid,
  -- A new customer or user described on the order is created when the order is fulfilled.
  new_customer jsonb,
  new_user jsonb,
  billing jsonb,
  shipping jsonb,
  promo_code text,
  consents jsonb,
  pricing jsonb,
  submission jsonb,
  created_entities jsonb,
  failure jsonb,
  fulfilment_attempts integer NOT NULL DEFAULT 0,
  line_item_seq integer NOT NULL DEFAULT 0,
  metadata jsonb NOT NULL DEFAULT '{}',
  expires_at timestamptz NOT NULL,
  submitted_at timestamptz,
  completed_at timestamptz,
  cancelled_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sales_order_by_customer ON sales_order (tenant_id, customer_id, id);
CREATE INDEX sales_order_by_status ON sales_order (tenant_id, status, id);

CREATE TABLE order_line_item (
  tenant_id uuid NOT NULL,
  order_id uuid NOT NULL,
  line_item_id text NOT NULL CHECK (length(line_item_id) BETWEEN 1 AND 100),
  position integer NOT NULL,
  type text NOT NULL,
  item jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, order_id, line_item_id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES sales_order (tenant_id, id) ON DELETE CASCADE
);
