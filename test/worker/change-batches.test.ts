import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorker } from '../../src/container.js'
import { BusinessRuleError } from '../../src/domain/shared/errors.js'
import type { Executor } from '../../src/persistence/database.js'
import { findLiveJobByDedupeKey } from '../../src/persistence/repositories/job.repository.js'
import { lockFreeRows } from '../../src/persistence/repositories/scheduled-change.repository.js'
import { apiKey, job } from '../../src/persistence/schema/index.js'
import { systemContext } from '../../src/services/context.js'
import type { ChangeTarget } from '../../src/services/scheduling.service.js'
import { makeApiKey } from '../helpers/factories.js'
import type { TestTenant } from '../helpers/factories.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

/**
 * The worker's batches of due changes (ScheduledChangeRunner.applyDueBatch) on a stand-in target
 * that takes part in them: an API key whose label the changes rewrite (to the change's kind). A change that fails its
 * rules is marked FAILED and the rest of its batch applies; one that throws anything else is left
 * to its own job, which retries it as before.
 */
let t: TestApp
const DAY = 86_400_000

const batchLabel: ChangeTarget = {
  async lock(tx: Executor, tenantId: string, id: string) {
    const [row] = await tx
      .select()
      .from(apiKey)
      .where(and(eq(apiKey.tenantId, tenantId), eq(apiKey.id, id)))
      .for('update')
    return row
  },
  lockFree: (tx, tenantId, ids, limit) => lockFreeRows(tx, apiKey, tenantId, ids, limit),
  async apply(tx, ctx, change) {
    if (change.kind === 'explode') throw new BusinessRuleError('product_offering.not_orderable', 'no longer applies')
    if (change.kind === 'crash') throw new Error('the provider timed out')
    await tx
      .update(apiKey)
      .set({ label: change.kind })
      .where(and(eq(apiKey.tenantId, ctx.tenant.id), eq(apiKey.id, change.targetId)))
  },
}

beforeAll(async () => {
  // Batches of 3: the keys below take two batches.
  t = await createTestApp({ seams: { changeTargets: { batch_label: batchLabel } }, changeBatchSize: 3 })
})
afterAll(() => t.close())

/** A tenant with `n` keys, each with one change of the given kind due tomorrow. */
async function keysWithChanges(kinds: string[]): Promise<{ tenant: TestTenant; keys: string[] }> {
  const tenant = await t.tenant()
  const ctx = systemContext(tenant.tenant, t.clock, 'test')
  const keys: string[] = []
  for (const kind of kinds) {
    const { id } = await makeApiKey(t.services, tenant.tenant)
    keys.push(id)
    await t.services.db.transaction((tx) =>
      t.services.scheduling.schedule(tx, ctx, {
        targetType: 'batch_label',
        targetId: id,
        kind,
        effectiveAt: new Date(t.clock.now().getTime() + DAY),
      }),
    )
  }
  // Past every change on the tenant's clock, without running anything.
  await t.services.db.transaction((tx) => t.services.tenants.update(tx, tenant.tenant.id, { clockOffsetMs: 2 * DAY }))
  return { tenant, keys }
}

const historyOf = async (tenant: TestTenant, id: string) =>
  t.services.scheduling.history(t.services.db, { tenantId: tenant.tenant.id, targetType: 'batch_label', targetId: id })

/** The keys' labels: what the changes wrote ('extra': nothing applied, 'a': change 'a' applied). */
const labelsOf = async (tenant: TestTenant, keys: string[]) => {
  const rows = await t.services.db
    .select({ id: apiKey.id, label: apiKey.label })
    .from(apiKey)
    .where(eq(apiKey.tenantId, tenant.tenant.id))
  return keys.map((k) => rows.find((r) => r.id === k)?.label)
}

const jobsOf = (tenant: TestTenant) => t.services.db.select().from(job).where(eq(job.tenantId, tenant.tenant.id))

describe('batches of due changes', () => {
  it('apply every change of a batch once and complete the jobs of all of them', async () => {
    const { tenant, keys } = await keysWithChanges(['a', 'b', 'c', 'd', 'e'])
    const ran = await createWorker(t.services, { batchSize: 1 }).drain({ tenantId: tenant.tenant.id })
    expect(await labelsOf(tenant, keys)).toEqual(['a', 'b', 'c', 'd', 'e'])
    // The first job's batches did the work; its worker ran only the jobs still waiting after them.
    expect(ran).toBeLessThan(keys.length)
    expect((await jobsOf(tenant)).map((j) => j.state)).toEqual(keys.map(() => 'succeeded'))
    for (const key of keys) expect((await historyOf(tenant, key))[0]).toMatchObject({ status: 'APPLIED' })
  })

  it('mark a change that fails its rules FAILED and apply the rest of its batch', async () => {
    const { tenant, keys } = await keysWithChanges(['a', 'explode', 'c'])
    await createWorker(t.services).drain({ tenantId: tenant.tenant.id })
    expect(await labelsOf(tenant, keys)).toEqual(['a', 'extra', 'c'])
    expect((await historyOf(tenant, keys[1] as string))[0]).toMatchObject({
      status: 'FAILED',
      outcome: 'no longer applies',
    })
    for (const key of [keys[0], keys[2]])
      expect((await historyOf(tenant, key as string))[0]).toMatchObject({ status: 'APPLIED' })
    expect((await jobsOf(tenant)).map((j) => j.state)).toEqual(keys.map(() => 'succeeded'))
  })

  it('leave a change that throws to its own job, which retries it, and apply the rest', async () => {
    const { tenant, keys } = await keysWithChanges(['a', 'crash', 'c', 'd'])
    const worker = createWorker(t.services)
    await worker.runOnce({ tenantId: tenant.tenant.id })
    expect(await labelsOf(tenant, keys)).toEqual(['a', 'extra', 'c', 'd'])
    const [crash] = await historyOf(tenant, keys[1] as string)
    expect(crash).toMatchObject({ status: 'PENDING' })
    const retried = await findLiveJobByDedupeKey(
      t.services.db,
      tenant.tenant.id,
      `batch_label:${keys[1]}:${crash?.effectiveAt.toISOString()}`,
    )
    expect(retried).toMatchObject({ state: 'queued', attempts: 1, lastError: 'the provider timed out' })
  })

  it('leave a target whose change threw out of the next batches, so they do not go one by one', async () => {
    const { tenant, keys } = await keysWithChanges(['crash', 'b', 'c', 'd', 'e', 'f', 'g'])
    const runner = t.services.changeRunner
    // The crash is the earliest due: its batch is refused and redone one by one, the crash left pending.
    expect(await runner.applyDueBatch(tenant.tenant.id)).toMatchObject({ oneByOne: true, applied: 2 })
    // The next batches leave it out and apply the rest whole.
    expect(await runner.applyDueBatch(tenant.tenant.id)).toMatchObject({ oneByOne: false, applied: 3 })
    expect(await runner.applyDueBatch(tenant.tenant.id)).toMatchObject({ oneByOne: false, applied: 1 })
    expect(await labelsOf(tenant, keys)).toEqual(['extra', 'b', 'c', 'd', 'e', 'f', 'g'])
    expect((await historyOf(tenant, keys[0] as string))[0]).toMatchObject({ status: 'PENDING' })
  })
})
