-- What the V2 add-ons facade needs of the add-on domain (docs/compatibility.md, "V2 add-ons API").
-- Who added an add-on and who ended it ({type, id, label, user}); the ids other systems know it
-- by (the V2 API's legacy and provider ids); and a hash of the add request, so adding again with
-- a client-chosen id answers the same add-on, or a 409 when the request differs.
ALTER TABLE subscription_addon
  ADD COLUMN created_by jsonb,
  ADD COLUMN ended_by jsonb,
  ADD COLUMN external_ids jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN request_hash text;

-- The end user behind a token-authenticated request (a V2 token's subject), so a change applied
-- later by the scheduler still says who asked for it.
ALTER TABLE scheduled_change ADD COLUMN actor_user text;

-- A tenant's V2 org name is settings.v2Org, else the tenant's name. Unique, so an org names one
-- tenant, and indexed, so the V2 API finds it with one lookup.
CREATE UNIQUE INDEX tenant_v2_org ON tenant ((coalesce(settings ->> 'v2Org', name)));
