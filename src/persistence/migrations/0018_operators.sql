-- Operators: the people who sign in to the portal. They are platform-level, not tenant-owned: one
-- operator may hold several tenants (a Citus deployment keeps these as reference tables).
-- Sessions and sign-in failures hang off the operator and the tenant the session is looking at.

CREATE TABLE operator (
  id uuid PRIMARY KEY,
  -- Lower-cased before it is stored, so the unique key is case-insensitive.
  email text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
  -- scrypt$N$r$p$salt$hash (base64), a salt per password.
  password_hash text NOT NULL,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE operator_membership (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  operator_id uuid NOT NULL REFERENCES operator (id),
  role text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, operator_id)
);
CREATE INDEX operator_membership_by_operator ON operator_membership (operator_id);

CREATE TABLE operator_session (
  -- sha256 of the cookie's value: a database read never yields a usable session id.
  id_hash text PRIMARY KEY,
  operator_id uuid NOT NULL REFERENCES operator (id),
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  csrf_secret text NOT NULL,
  address text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX operator_session_by_operator ON operator_session (operator_id);

-- Failed sign-ins per subject ('account:<email>' or 'address:<ip>'), counted over a window.
CREATE TABLE operator_sign_in_failure (
  subject text NOT NULL,
  at timestamptz NOT NULL,
  id uuid NOT NULL,
  PRIMARY KEY (subject, at, id)
);
