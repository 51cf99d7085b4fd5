-- An add-on offering may include a license (a security suite that comes with a data pack): each
-- add-on of it gets a license of that offering, assigned to its subscription, that ends with it.
-- The reference is checked at the end of the transaction, so one catalog import may define the
-- add-on before the license offering it names.
ALTER TABLE product_offering ADD COLUMN included_license_offering_id text;
ALTER TABLE product_offering
  ADD CONSTRAINT product_offering_included_license_fkey
  FOREIGN KEY (tenant_id, included_license_offering_id) REFERENCES product_offering (tenant_id, id)
  DEFERRABLE INITIALLY DEFERRED;
