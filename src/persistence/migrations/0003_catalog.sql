-- The product catalog: offering groups, offerings and promotions. Offering and group ids are chosen
-- by the client (`mobile-plan-basic`), as the Connect API shows them, so the keys are
-- (tenant_id, id) with text ids. Ids use the "C" collation so their order is the same on every
-- server (keyset paging compares them) and does not depend on the database's locale.

CREATE TABLE product_offering_group (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id text COLLATE "C" NOT NULL CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  name text NOT NULL,
  category text,
  description text,
  internal_description text,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE product_offering (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id text COLLATE "C" NOT NULL CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  status text NOT NULL CHECK (status IN ('AVAILABLE', 'ARCHIVED')),
  name text NOT NULL,
  description text,
  rich_content text,
  internal_description text,
  image_url text,
  group_id text COLLATE "C",
  customer_type text NOT NULL CHECK (customer_type IN ('CONSUMER', 'BUSINESS')),
  product_id text NOT NULL,
  product_internal_name text NOT NULL,
  product_type text NOT NULL CHECK (product_type IN ('SUBSCRIPTION', 'SUBSCRIPTION_ADDON', 'LICENSE', 'EXTERNAL_PRODUCT')),
  product_category text NOT NULL,
  network_provider_id text,
  features jsonb NOT NULL DEFAULT '{}',
  requirements jsonb NOT NULL DEFAULT '{}',
  -- Money in integer minor units of `currency`; the net price is gross minus discount.
  gross_price_minor bigint NOT NULL CHECK (gross_price_minor >= 0),
  discount_minor bigint NOT NULL CHECK (discount_minor >= 0 AND discount_minor <= gross_price_minor),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  price_type text NOT NULL CHECK (price_type IN ('RECURRING', 'ONE_TIME', 'USAGE')),
  billing_period text CHECK (billing_period IN ('DAY', 'WEEK', 'MONTH', 'YEAR')),
  billing_interval integer CHECK (billing_interval >= 1),
  bound_months integer CHECK (bound_months >= 0),
  tax_included boolean NOT NULL,
  currency_options jsonb NOT NULL DEFAULT '{}',
  rank integer NOT NULL,
  change_policy jsonb NOT NULL,
  compatible_categories text[] NOT NULL DEFAULT '{}',
  compatible_offering_ids text[] NOT NULL DEFAULT '{}',
  max_per_subscription integer CHECK (max_per_subscription >= 1),
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES product_offering_group (tenant_id, id),
  CHECK ((billing_period IS NULL) = (billing_interval IS NULL))
);
-- The list order: group (ungrouped first), then rank, then id. Keyset pages walk this index.
CREATE INDEX product_offering_listing ON product_offering (tenant_id, (coalesce(group_id, '')), rank, id);

-- Codes are stored in upper case, so uniqueness is case-insensitive (`welcome10` is `WELCOME10`).
CREATE TABLE promotion (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  code text COLLATE "C" NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,63}$'),
  name text NOT NULL,
  description text,
  status text NOT NULL CHECK (status IN ('ACTIVE', 'ARCHIVED')),
  discount_type text NOT NULL CHECK (discount_type IN ('PERCENT', 'AMOUNT')),
  discount_percent numeric(7, 4) CHECK (discount_percent > 0 AND discount_percent <= 100),
  discount_amount_minor bigint CHECK (discount_amount_minor > 0),
  discount_currency text CHECK (discount_currency ~ '^[A-Z]{3}$'),
  product_offering_ids text[] NOT NULL DEFAULT '{}',
  valid_from timestamptz,
  valid_to timestamptz,
  duration_months integer CHECK (duration_months >= 1),
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, code),
  CHECK (
    (discount_type = 'PERCENT' AND discount_percent IS NOT NULL AND discount_amount_minor IS NULL AND discount_currency IS NULL)
    OR (discount_type = 'AMOUNT' AND discount_percent IS NULL AND discount_amount_minor IS NOT NULL AND discount_currency IS NOT NULL)
  ),
  CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to)
);
