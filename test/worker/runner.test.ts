import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { claimDueJobs, findJob } from '../../src/persistence/repositories/job.repository.js'
import type { JobHandler } from '../../src/worker/runner.js'
import { PermanentJobError, Worker, backoffMs } from '../../src/worker/runner.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

let t: TestApp
const ran: string[] = []
let failuresLeft = 0

const handlers: Record<string, JobHandler> = {
  'test.record': async (job) => {
    ran.push(String(job.payload.name))
  },
  'test.flaky': async (job) => {
    if (failuresLeft-- > 0) throw new Error('provider timed out')
    ran.push(String(job.payload.name))
  },
  'test.permanent': async () => {
    throw new PermanentJobError('bad payload')
  },
}

const makeWorker = (workerId: string, batchSize = 3) =>
  new Worker({
    db: t.services.db,
    clock: t.clock,
    queue: t.services.queue,
    handlers,
    logger: t.services.logger,
    workerId,
    batchSize,
  })

beforeAll(async () => {
  t = await createTestApp()
})
// Tests share one queue: start each from an empty one.
beforeEach(async () => {
  failuresLeft = 0
  await makeWorker('cleanup', 100).drain({ kinds: Object.keys(handlers) })
  ran.length = 0
})
afterAll(() => t.close())

describe('worker', () => {
  it('runs due jobs in run_at order and leaves future ones', async () => {
    ran.length = 0
    const now = t.clock.now().getTime()
    const at = (ms: number) => new Date(now + ms)
    for (const [name, offset] of [
      ['c', 3000],
      ['a', -2000],
      ['b', -1000],
      ['later', 60_000],
    ] as const) {
      await t.services.queue.enqueue(t.services.db, { kind: 'test.record', payload: { name }, runAt: at(offset) })
    }
    t.clock.advance(5000)
    await makeWorker('w1').drain({ kinds: ['test.record'] })
    expect(ran).toEqual(['a', 'b', 'c'])
    t.clock.advance(60_000)
    await makeWorker('w1').drain({ kinds: ['test.record'] })
    expect(ran).toEqual(['a', 'b', 'c', 'later'])
  })

  it('gives each job to exactly one of several workers racing', async () => {
    ran.length = 0
    for (let i = 0; i < 60; i++)
      await t.services.queue.enqueue(t.services.db, { kind: 'test.record', payload: { name: `job-${i}` } })
    await Promise.all([
      makeWorker('w1').drain({ kinds: ['test.record'] }),
      makeWorker('w2').drain({ kinds: ['test.record'] }),
      makeWorker('w3').drain({ kinds: ['test.record'] }),
    ])
    expect(ran).toHaveLength(60)
    expect(new Set(ran).size).toBe(60)
  })

  it('dedupes enqueues while a job with the key is live, and allows it again once done', async () => {
    ran.length = 0
    const enqueue = () =>
      t.services.queue.enqueue(t.services.db, {
        kind: 'test.record',
        payload: { name: 'dedupe' },
        dedupeKey: 'only-once',
      })
    expect(await enqueue()).toBe(true)
    expect(await enqueue()).toBe(false)
    await makeWorker('w1').drain({ kinds: ['test.record'] })
    expect(ran).toEqual(['dedupe'])
    expect(await enqueue()).toBe(true)
  })

  it('retries a failing job with exponential backoff, then succeeds', async () => {
    ran.length = 0
    failuresLeft = 2
    await t.services.queue.enqueue(t.services.db, {
      kind: 'test.flaky',
      payload: { name: 'flaky' },
      dedupeKey: 'flaky-1',
    })
    const worker = makeWorker('w1')
    expect(await worker.runOnce({ kinds: ['test.flaky'] })).toBe(1)
    expect(await worker.runOnce({ kinds: ['test.flaky'] })).toBe(0) // waiting out 5 s
    t.clock.advance(backoffMs(1))
    expect(await worker.runOnce({ kinds: ['test.flaky'] })).toBe(1) // fails again: 10 s
    t.clock.advance(backoffMs(1))
    expect(await worker.runOnce({ kinds: ['test.flaky'] })).toBe(0)
    t.clock.advance(backoffMs(2))
    expect(await worker.runOnce({ kinds: ['test.flaky'] })).toBe(1)
    expect(ran).toEqual(['flaky'])
    expect([backoffMs(1), backoffMs(2), backoffMs(3), backoffMs(30)]).toEqual([5000, 10000, 20000, 3_600_000])
  })

  it('fails a job for good after its attempts, or at once on a permanent error, keeping the error', async () => {
    await t.services.queue.enqueue(t.services.db, { kind: 'test.permanent', dedupeKey: 'perm' })
    await t.services.queue.enqueue(t.services.db, {
      kind: 'test.flaky',
      payload: { name: 'never' },
      dedupeKey: 'two-tries',
      maxAttempts: 2,
    })
    failuresLeft = 100
    const worker = makeWorker('w1')
    await worker.drain({ kinds: ['test.permanent', 'test.flaky'] })
    t.clock.advance(backoffMs(1))
    await worker.drain({ kinds: ['test.permanent', 'test.flaky'] })
    const rows = await t.services.db.query.job.findMany({
      where: (j, { inArray }) => inArray(j.dedupeKey, ['perm', 'two-tries']),
    })
    expect(rows.map((r) => [r.dedupeKey, r.state, r.attempts, r.lastError]).sort()).toEqual([
      ['perm', 'failed', 1, 'bad payload'],
      ['two-tries', 'failed', 2, 'provider timed out'],
    ])
    failuresLeft = 0
  })

  it('takes over a job whose worker died mid-run once its lease lapses', async () => {
    ran.length = 0
    await t.services.queue.enqueue(t.services.db, {
      kind: 'test.record',
      payload: { name: 'orphan' },
      dedupeKey: 'orphan',
    })
    // Claim without running: what a crash right after the claim leaves behind.
    const [claimed] = await claimDueJobs(t.services.db, {
      now: t.clock.now(),
      workerId: 'dead',
      leaseMs: 60_000,
      limit: 1,
      kinds: ['test.record'],
    })
    expect(claimed?.payload.name).toBe('orphan')
    await makeWorker('w2').drain({ kinds: ['test.record'] })
    expect(ran).toEqual([])
    t.clock.advance(61_000)
    await makeWorker('w2').drain({ kinds: ['test.record'] })
    expect(ran).toEqual(['orphan'])
    expect((await findJob(t.services.db, claimed?.tenantId as string, claimed?.id as string))?.state).toBe('succeeded')
  })

  it('runs a sandbox tenant’s job when that tenant’s test clock reaches it', async () => {
    ran.length = 0
    const { tenant } = await t.tenant()
    await t.services.queue.enqueue(t.services.db, {
      tenantId: tenant.id,
      kind: 'test.record',
      payload: { name: 'next-month' },
      runAt: new Date(t.clock.now().getTime() + 30 * 86_400_000),
    })
    await makeWorker('w1').drain({ kinds: ['test.record'] })
    expect(ran).toEqual([])
    await t.services.db.transaction((tx) =>
      t.services.tenants.update(tx, tenant.id, { clockOffsetMs: 31 * 86_400_000 }),
    )
    await makeWorker('w1').drain({ kinds: ['test.record'] })
    expect(ran).toEqual(['next-month'])
  })

  it('claims tenant by tenant, so a busy tenant cannot starve a quiet one', async () => {
    ran.length = 0
    const busy = (await t.tenant()).tenant
    const quiet = (await t.tenant()).tenant
    const past = new Date(t.clock.now().getTime() - 60_000)
    for (let i = 0; i < 12; i++)
      await t.services.queue.enqueue(t.services.db, {
        tenantId: busy.id,
        kind: 'test.record',
        payload: { name: `busy-${i}` },
        runAt: new Date(past.getTime() + i),
      })
    await t.services.queue.enqueue(t.services.db, {
      tenantId: quiet.id,
      kind: 'test.record',
      payload: { name: 'quiet' },
      runAt: t.clock.now(),
    })
    const worker = makeWorker('fair', 4)
    // The quiet tenant's one job is newer than all of the busy tenant's, yet it runs in the first batch.
    expect(await worker.runOnce({ kinds: ['test.record'] })).toBe(4)
    expect(ran).toContain('quiet')
    // The room the quiet tenant leaves goes to the busy one, still oldest first.
    expect(ran.filter((name) => name !== 'quiet')).toEqual(['busy-0', 'busy-1', 'busy-2'])
    await worker.drain({ kinds: ['test.record'] })
    expect(ran).toHaveLength(13)
  })

  it('visits every tenant in turn when there are more tenants than a batch holds', async () => {
    ran.length = 0
    const tenants = [] as string[]
    for (let i = 0; i < 5; i++) {
      const { tenant } = await t.tenant()
      tenants.push(tenant.id)
      for (let j = 0; j < 3; j++)
        await t.services.queue.enqueue(t.services.db, {
          tenantId: tenant.id,
          kind: 'test.record',
          payload: { name: `${tenant.id}/${j}` },
        })
    }
    const worker = makeWorker('round-robin', 2)
    const served = new Set<string>()
    for (let batch = 0; batch < 3; batch++) {
      const before = ran.length
      expect(await worker.runOnce({ kinds: ['test.record'] })).toBe(2)
      for (const name of ran.slice(before)) served.add(name.split('/')[0] as string)
      // One job per tenant per batch while five tenants wait.
      expect(new Set(ran.slice(before).map((name) => name.split('/')[0])).size).toBe(2)
    }
    // Three batches of two reach all five tenants, then the first one again: in turn.
    expect([...served].sort()).toEqual([...tenants].sort())
    expect(ran.filter((name) => name.endsWith('/1'))).toHaveLength(1)
    await worker.drain({ kinds: ['test.record'] })
    expect(ran).toHaveLength(15)
    // Within each tenant, in order.
    for (const id of tenants)
      expect(ran.filter((name) => name.startsWith(`${id}/`))).toEqual([`${id}/0`, `${id}/1`, `${id}/2`])
  })

  it('starts and stops its loop cleanly', async () => {
    ran.length = 0
    await t.services.queue.enqueue(t.services.db, { kind: 'test.record', payload: { name: 'looped' } })
    const worker = new Worker({
      db: t.services.db,
      clock: t.clock,
      queue: t.services.queue,
      handlers,
      logger: t.services.logger,
      workerId: 'loop',
      pollIntervalMs: 10,
    })
    worker.start()
    await expect.poll(() => ran, { interval: 5, timeout: 5000 }).toEqual(['looped'])
    await worker.stop()
  })
})
