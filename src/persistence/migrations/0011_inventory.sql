-- Inventory: the tenant's phone-number pool (with leases) and its SIM cards.
--
-- A lease reserves AVAILABLE numbers for an hour under one token; only the token's SHA-256 is
-- stored. A number is LEASED exactly while it points at a lease, and ASSIGNED exactly while it
-- points at a subscription. A QUARANTINED number comes back at `available_at` (a job flips it).
CREATE TABLE number_lease (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  token_hash text NOT NULL,
  leased_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  released_at timestamptz,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX number_lease_token ON number_lease (tenant_id, token_hash);

CREATE TABLE phone_number (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  msisdn text NOT NULL CHECK (msisdn ~ '^\+[1-9][0-9]{7,14}$'),
  type text NOT NULL CHECK (type ~ '^[A-Z][A-Z0-9_]{1,19}$'),
  grade integer NOT NULL DEFAULT 0 CHECK (grade >= 0),
  status text NOT NULL CHECK (status IN ('AVAILABLE', 'LEASED', 'ASSIGNED', 'QUARANTINED')),
  available_at timestamptz NOT NULL,
  lease_id uuid,
  leased_at timestamptz,
  lease_expires_at timestamptz,
  subscription_id uuid,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, msisdn),
  FOREIGN KEY (tenant_id, lease_id) REFERENCES number_lease (tenant_id, id),
  -- Deferred: fulfilment may assign the number before it inserts the subscription, in one transaction.
  FOREIGN KEY (tenant_id, subscription_id) REFERENCES subscription (tenant_id, id) DEFERRABLE INITIALLY DEFERRED,
  CHECK ((status = 'LEASED') = (lease_id IS NOT NULL AND leased_at IS NOT NULL AND lease_expires_at IS NOT NULL)),
  CHECK ((status = 'ASSIGNED') = (subscription_id IS NOT NULL))
);
-- Leasing and assignment take the lowest grade of a type first.
CREATE INDEX phone_number_pick ON phone_number (tenant_id, status, type, grade, msisdn);
CREATE INDEX phone_number_by_lease ON phone_number (tenant_id, lease_id) WHERE lease_id IS NOT NULL;
CREATE INDEX phone_number_by_subscription ON phone_number (tenant_id, subscription_id) WHERE subscription_id IS NOT NULL;

-- SIM cards. PUKs and the PIN are stored as given (the PUK endpoint serves them back) and never
-- leave through ordinary responses. `esim_profile` is the (simulated) SM-DP+ profile of an eSIM.
CREATE TABLE sim (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  iccid text NOT NULL CHECK (iccid ~ '^[0-9]{18,22}$'),
  type text NOT NULL CHECK (type IN ('PHYSICAL', 'ESIM')),
  status text NOT NULL CHECK (status IN ('AVAILABLE', 'RESERVED', 'IN_USE', 'CONSUMED', 'BRAND_RESERVED')),
  imsi text,
  lpa text,
  puk1 text,
  puk2 text,
  pin text,
  subscription_id uuid,
  esim_profile jsonb,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, iccid),
  FOREIGN KEY (tenant_id, subscription_id) REFERENCES subscription (tenant_id, id) DEFERRABLE INITIALLY DEFERRED,
  CHECK ((type = 'ESIM') = (lpa IS NOT NULL))
);
CREATE INDEX sim_pick ON sim (tenant_id, status, type, iccid);
CREATE INDEX sim_by_subscription ON sim (tenant_id, subscription_id) WHERE subscription_id IS NOT NULL;
