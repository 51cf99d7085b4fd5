/**
 * The statements that read or write across tenants on purpose, and why each is safe on Citus (see
 * docs/scaling.md, "Statements that span tenants"). The audit and the plan check let these through;
 * an entry with `writes` may also UPDATE or DELETE across tenants. A SELECT … FOR UPDATE across
 * tenants is never allowed: Citus runs row locks only in single-shard queries.
 */
export interface CrossTenant {
  name: string
  /** Matches the statement's text. */
  pattern: RegExp
  why: string
  writes?: boolean
}

const SCAN =
  'an unlocked read on every shard at once, grouped by tenant_id (pushed down whole), joined to the reference table tenant'
const PURGE =
  'a multi-shard DELETE/UPDATE by age, run by the purge job outside any request; each shard deletes its own rows'

export const CROSS_TENANT: CrossTenant[] = [
  {
    name: 'job due scan',
    pattern: /^select "job"\."tenant_id", coalesce\("tenant"\."clock_offset_ms", 0\) from "job" left join "tenant"/,
    why: `which tenants have due jobs: ${SCAN}; the claim that follows is per tenant`,
  },
  {
    name: 'webhook due scan',
    pattern: /^SELECT d\.tenant_id, t\.clock_offset_ms\s+FROM webhook_delivery d/,
    why: `which tenants have deliveries due: ${SCAN}; the claim that follows is per tenant`,
  },
  {
    name: 'webhook backlog metric',
    pattern:
      /^select "tenant_id", "endpoint_id", min\("created_at"\) from "webhook_delivery" where "webhook_delivery"\."status" = \$1 group by/,
    why: `the oldest pending delivery per endpoint for /metrics: ${SCAN}`,
  },
  {
    name: 'idempotency expiry',
    pattern:
      /^update "idempotency_key" set .* where \("idempotency_key"\."expires_at" <= \$\d+ and "idempotency_key"\."state" <> \$\d+\)/,
    why: PURGE,
    writes: true,
  },
  {
    name: 'idempotency purge',
    pattern:
      /^delete from "idempotency_key" where \("idempotency_key"\."state" = \$1 and "idempotency_key"\."expires_at" <= \$2\)/,
    why: PURGE,
    writes: true,
  },
  {
    name: 'job purge',
    pattern: /^delete from "job" where \("job"\."state" in \([^)]*\) and "job"\."updated_at" < \$\d+\)/,
    why: PURGE,
    writes: true,
  },
  {
    name: 'webhook delivery purge',
    pattern:
      /^delete from "webhook_delivery" where \("webhook_delivery"\."status" in \([^)]*\) and "webhook_delivery"\."updated_at" < \$\d+\)/,
    why: PURGE,
    writes: true,
  },
  {
    name: 'event purge',
    pattern:
      /^delete from "event" where \("event"\."created_at" < \$1 and not exists \(select 1 from "webhook_delivery" where "webhook_delivery"\."tenant_id" = "event"\."tenant_id"/,
    why: `${PURGE}; its NOT EXISTS is joined on tenant_id, so it stays on the shard`,
    writes: true,
  },
  {
    name: 'operator CLI: every API key',
    pattern: /^select .* from "api_key" order by "api_key"\."created_at" asc, "api_key"\."id" asc$/,
    why: 'openline api-keys list: an operator read on every shard, never on the request path',
  },
  {
    name: 'operator CLI: an API key in any tenant',
    pattern: /^select .* from "api_key" where "api_key"\."id" = \$1$/,
    why: 'openline api-keys revoke <id>: an operator read on every shard, never on the request path',
  },
]

export function allowedCrossTenant(text: string): CrossTenant | undefined {
  return CROSS_TENANT.find((entry) => entry.pattern.test(text))
}
