-- Port-ins: a number moving from another operator (the donor) to one of the tenant's subscriptions.
--
-- A subscription has at most one port-in, and a number at most one live port-in per tenant.
-- `details` are what the donor needs (by `country`: US or SE); `revision` counts the versions of
-- them (a correction makes the next), so a provider's answer about an older version is ignored.
-- `temporary_msisdn` is the pool number the line uses until the port completes. A rejection for
-- wrong details is not a failure: the port-in is PENDING again, with `rejected_at` set until the
-- details are corrected.
CREATE TABLE port_in (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  subscription_id uuid NOT NULL,
  direction text NOT NULL DEFAULT 'INBOUND' CHECK (direction IN ('INBOUND')),
  status text NOT NULL CHECK (status IN ('PENDING', 'IN_PROGRESS', 'SCHEDULED', 'COMPLETED', 'FAILED')),
  msisdn text NOT NULL CHECK (msisdn ~ '^\+[1-9][0-9]{7,14}$'),
  country text NOT NULL CHECK (country IN ('US', 'SE')),
  temporary_msisdn text,
  details jsonb NOT NULL,
  revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
  provider_type text NOT NULL,
  provider_reference text,
  scheduled_at timestamptz,
  rejection_reason text,
  rejected_at timestamptz,
  failure_reason text,
  completed_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  -- Deferred: fulfilment records the port-in before it inserts the subscription, in one transaction.
  FOREIGN KEY (tenant_id, subscription_id) REFERENCES subscription (tenant_id, id) DEFERRABLE INITIALLY DEFERRED,
  CHECK ((status = 'COMPLETED') = (completed_at IS NOT NULL)),
  CHECK ((status = 'FAILED') = (failed_at IS NOT NULL AND failure_reason IS NOT NULL))
);
CREATE UNIQUE INDEX port_in_subscription ON port_in (tenant_id, subscription_id);
CREATE UNIQUE INDEX port_in_live_msisdn ON port_in (tenant_id, msisdn) WHERE status IN ('PENDING', 'IN_PROGRESS', 'SCHEDULED');

-- The subscription's `porting` summary is rendered from port_in; the column 0006 reserved for it
-- was never written.
ALTER TABLE subscription DROP COLUMN porting;
