-- Parties: customers (the billable party, owner of subscribers and subscriptions), users (people
-- associated with customers, not owned by them) and subscribers (the person using a subscription).

-- "user" is a reserved word in SQL, hence app_user.
CREATE TABLE app_user (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  name text NOT NULL,
  email text,
  msisdn text,
  identity text,
  reference_id text CHECK (length(reference_id) BETWEEN 1 AND 255),
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT app_user_reference_id_key UNIQUE (tenant_id, reference_id)
);

CREATE TABLE customer (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  customer_type text NOT NULL CHECK (customer_type IN ('CONSUMER', 'BUSINESS')),
  name text NOT NULL,
  identity text,
  preferred_locale text,
  human_readable_id text NOT NULL,
  contact_email text,
  contact_msisdn text,
  billing_method text NOT NULL,
  billing_email text,
  billing_address jsonb,
  billing_currency text NOT NULL CHECK (billing_currency ~ '^[A-Z]{3}$'),
  default_payment_profile_id text,
  auto_pay boolean NOT NULL DEFAULT false,
  shipping jsonb,
  contact_person_user_id uuid,
  reference_id text CHECK (length(reference_id) BETWEEN 1 AND 255),
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT customer_human_readable_id_key UNIQUE (tenant_id, human_readable_id),
  CONSTRAINT customer_reference_id_key UNIQUE (tenant_id, reference_id),
  FOREIGN KEY (tenant_id, contact_person_user_id) REFERENCES app_user (tenant_id, id)
);
CREATE INDEX customer_by_type ON customer (tenant_id, customer_type, id);

-- Which users may act for which customers, with what role.
CREATE TABLE customer_user (
  tenant_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  user_id uuid NOT NULL,
  role text NOT NULL CHECK (role IN ('MEMBER', 'MANAGER', 'ADMIN')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, customer_id, user_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customer (tenant_id, id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES app_user (tenant_id, id)
);
CREATE INDEX customer_user_by_user ON customer_user (tenant_id, user_id, customer_id);

CREATE TABLE subscriber (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  customer_id uuid NOT NULL,
  name text NOT NULL,
  email text,
  address jsonb,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customer (tenant_id, id)
);
CREATE INDEX subscriber_by_customer ON subscriber (tenant_id, customer_id, id);
