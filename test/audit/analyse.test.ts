import { describe, expect, it } from 'vitest'
import { analyse } from './analyse.js'

/** The audit's rule on hand-written statements: what it lets pass and what it catches. */
const tables = new Set(['job', 'webhook_delivery', 'webhook_endpoint', 'customer'])
const check = (text: string) => analyse(text, tables)

describe('statement audit rule', () => {
  it('lets through statements tied to one tenant', async () => {
    for (const text of [
      `select * from "job" where ("job"."tenant_id" = $1 and "job"."id" = $2)`,
      `select * from job where tenant_id = '00000000-0000-0000-0000-000000000000'::uuid`,
      `select d.id from webhook_delivery d join webhook_endpoint e on e.tenant_id = d.tenant_id and e.id = d.endpoint_id
       where d.tenant_id = $1 and not exists (select 1 from webhook_delivery p where p.tenant_id = d.tenant_id and p.seq < d.seq)
       for no key update of d, e skip locked`,
      `update job set state = $1 where tenant_id = $2 and id in (select id from job where tenant_id = $3)`,
      `insert into customer (tenant_id, id) values ($1, $2) on conflict do nothing`,
      `select t.id, (select count(*) from customer c where c.tenant_id = t.id) from tenant t where t.id = $1`,
      `with due as (select id from job where tenant_id = $1) select * from due`,
    ])
      expect(await check(text), text).toEqual([])
  })

  it('catches a table not tied to a tenant', async () => {
    expect(await check(`select * from job where state = $1`)).toEqual([{ table: 'job', problem: 'untied' }])
    expect(await check(`select * from job where tenant_id = $1 or state = $2`)).toEqual([
      { table: 'job', problem: 'untied' },
    ])
    expect(
      await check(
        `select * from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id where d.tenant_id = $1`,
      ),
    ).toEqual([{ table: 'webhook_endpoint', problem: 'untied' }])
    expect(
      await check(
        `select d.tenant_id from webhook_delivery d join tenant t on t.id = d.tenant_id group by d.tenant_id`,
      ),
    ).toEqual([{ table: 'webhook_delivery', problem: 'untied' }])
    expect(await check(`insert into customer (id) values ($1)`)).toEqual([
      { table: 'customer', problem: 'insert-without-tenant' },
    ])
  })

  it('catches a lock or a write that spans tenants, even when rows are tied by a join', async () => {
    // The claim as it was before issue 16: FOR UPDATE over every tenant's jobs.
    expect(
      await check(`select job.tenant_id, job.id from job left join tenant on tenant.id = job.tenant_id
                   where job.state = $1 order by job.run_at limit $2 for update of job skip locked`),
    ).toEqual([{ table: 'job', problem: 'lock-untied' }])
    expect(await check(`delete from job where state = $1 and updated_at < $2`)).toEqual([
      { table: 'job', problem: 'write-untied' },
    ])
    expect(
      await check(
        `select * from webhook_delivery d join tenant t on t.id = d.tenant_id where d.status = $1 for update`,
      ),
    ).toEqual([{ table: 'webhook_delivery', problem: 'lock-untied' }])
  })
})
