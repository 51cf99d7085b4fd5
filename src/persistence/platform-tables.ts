/**
 * Tables that belong to the platform rather than to one tenant: the tenants themselves and the
 * portal's operators, who may hold several tenants (a sign-in reads an operator's memberships across
 * them). On Citus they are reference tables, copied to every node; every other table is keyed,
 * partitioned and distributed by `tenant_id` (docs/scaling.md).
 */
export const PLATFORM_TABLES: readonly string[] = [
  'tenant',
  'operator',
  'operator_membership',
  'operator_session',
  'operator_sign_in_failure',
]

/** Bookkeeping of the migrator, neither a tenant nor a platform table. */
export const MIGRATION_TABLE = 'schema_migration'

export const isPlatformTable = (name: string): boolean => PLATFORM_TABLES.includes(name)
