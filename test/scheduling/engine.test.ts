import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BusinessRuleError } from '../../src/domain/shared/errors.js'
import type { Executor } from '../../src/persistence/database.js'
import { apiKey } from '../../src/persistence/schema/index.js'
import type { RequestContext } from '../../src/services/context.js'
import { systemContext } from '../../src/services/context.js'
import type { ChangeTarget, ScheduledChange } from '../../src/services/scheduling.service.js'
import { createWorker } from '../../src/container.js'
import type { TestTenant } from '../helpers/factories.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

/**
 * The engine on a stand-in resource: an API key whose label the scheduled changes rewrite. What is
 * tested is the engine's contract (order, replacement, withdrawal, cancel superseding, exactly
 * once, failures, test clocks), which every area relies on.
 */
let t: TestApp
const applied: string[] = []
const DAY = 86_400_000

const lockKey = async (tx: Executor, tenantId: string, id: string) => {
  const [row] = await tx
    .select()
    .from(apiKey)
    .where(and(eq(apiKey.tenantId, tenantId), eq(apiKey.id, id)))
    .for('update')
  return row
}

/** The stand-in target: what the engine is given at construction, beside the areas' own. */
const testLabel: ChangeTarget = {
  lock: lockKey,
  order: (kind) => (kind === 'end' ? 9 : 0),
  async apply(tx, ctx, change: ScheduledChange) {
    if (change.kind === 'explode')
      throw new BusinessRuleError('product_offering.not_orderable', 'this change can no longer apply')
    const label = `${change.kind}:${String(change.payload.label ?? '')}@${change.effectiveAt.toISOString()}`
    applied.push(label)
    await tx
      .update(apiKey)
      .set({ label })
      .where(and(eq(apiKey.tenantId, ctx.tenant.id), eq(apiKey.id, change.targetId)))
  },
}

beforeAll(async () => {
  t = await createTestApp({ seams: { changeTargets: { test_label: testLabel } } })
})
afterAll(() => t.close())

async function setup(): Promise<{
  tenant: TestTenant
  ctx: RequestContext
  target: { targetType: string; targetId: string }
}> {
  const tenant = await t.tenant()
  applied.length = 0
  return {
    tenant,
    ctx: systemContext(tenant.tenant, t.clock, 'test'),
    target: { targetType: 'test_label', targetId: tenant.keyId },
  }
}

const at = (days: number) => new Date(t.clock.now().getTime() + days * DAY)
const schedule = (
  ctx: RequestContext,
  target: { targetType: string; targetId: string },
  kind: string,
  days: number,
  payload: Record<string, unknown> = {},
) =>
  t.services.db.transaction((tx) =>
    t.services.scheduling.schedule(tx, ctx, { ...target, kind, effectiveAt: at(days), payload }),
  )
const advance = (tenant: TestTenant, by: string) =>
  t.request(tenant, { method: 'POST', url: '/test-clock/advance', payload: { by } })

describe('scheduling engine', () => {
  it('applies due changes in effective order when the test clock passes them, and not before', async () => {
    const { tenant, ctx, target } = await setup()
    await schedule(ctx, target, 'b', 10, { label: 'second' })
    await schedule(ctx, target, 'a', 3, { label: 'first' })
    await schedule(ctx, target, 'c', 40, { label: 'third' })
    const res = await advance(tenant, 'P2D')
    expect(res.statusCode).toBe(200)
    expect(applied).toEqual([])
    const month = await advance(tenant, 'P1M')
    expect(month.json().jobsRun).toBeGreaterThanOrEqual(2)
    expect(applied.map((a) => a.split('@')[0])).toEqual(['a:first', 'b:second'])
    await advance(tenant, 'P1M')
    expect(applied.map((a) => a.split('@')[0])).toEqual(['a:first', 'b:second', 'c:third'])
    // Each applied as of its own instant, not the clock's final time.
    expect(applied[0]).toBe(`a:first@${at(3).toISOString()}`)
  })

  it('replaces a pending change of the same kind, and breaks same-instant ties by kind order', async () => {
    const { tenant, ctx, target } = await setup()
    const first = await schedule(ctx, target, 'rename', 5, { label: 'old' })
    const second = await schedule(ctx, target, 'rename', 6, { label: 'new' })
    expect(second.replaced?.id).toBe(first.change.id)
    await schedule(ctx, target, 'end', 6)
    await schedule(ctx, target, 'other', 6, { label: 'tie' })
    await advance(tenant, 'P7D')
    // Same instant: the target's kind order first ('end' last), then the order they were asked for.
    expect(applied.map((a) => a.split('@')[0])).toEqual(['rename:new', 'other:tie', 'end:'])
    const history = await t.services.scheduling.history(t.services.db, { tenantId: tenant.tenant.id, ...target })
    expect(history.find((c) => c.id === first.change.id)).toMatchObject({
      status: 'SUPERSEDED',
      outcome: expect.stringContaining('replaced'),
    })
  })

  it('withdraws a pending change, and supersedes what follows a cancel', async () => {
    const { tenant, ctx, target } = await setup()
    await schedule(ctx, target, 'keep', 2)
    await schedule(ctx, target, 'drop', 3)
    await schedule(ctx, target, 'after-end', 20)
    await t.services.db.transaction(async (tx) => {
      const withdrawn = await t.services.scheduling.withdraw(tx, ctx, target, ['drop'])
      expect(withdrawn.map((c) => c.kind)).toEqual(['drop'])
      const superseded = await t.services.scheduling.supersedeAfter(tx, ctx, target, at(10), 'the resource ends first')
      expect(superseded.map((c) => c.kind)).toEqual(['after-end'])
    })
    await advance(tenant, 'P30D')
    expect(applied.map((a) => a.split(':')[0])).toEqual(['keep'])
    const timeline = await t.services.timeline.forSubject(tenant.tenant.id, 'test_label', tenant.keyId)
    expect(timeline.map((i) => [i.kind, i.state])).toEqual([
      ['drop', 'WITHDRAWN'],
      ['after-end', 'SUPERSEDED'],
    ])
  })

  it('marks a change that can no longer apply FAILED and applies the rest', async () => {
    const { tenant, ctx, target } = await setup()
    await schedule(ctx, target, 'explode', 1)
    await schedule(ctx, target, 'fine', 1)
    await advance(tenant, 'P2D')
    expect(applied.map((a) => a.split(':')[0])).toEqual(['fine'])
    const history = await t.services.scheduling.history(t.services.db, { tenantId: tenant.tenant.id, ...target })
    expect(history.find((c) => c.kind === 'explode')).toMatchObject({
      status: 'FAILED',
      outcome: 'this change can no longer apply',
    })
  })

  it('applies each change exactly once with several workers racing', async () => {
    const { tenant, ctx, target } = await setup()
    for (let i = 0; i < 12; i++) await schedule(ctx, target, `k${i}`, 1 + (i % 3))
    await t.services.db.transaction((tx) => t.services.tenants.update(tx, tenant.tenant.id, { clockOffsetMs: 5 * DAY }))
    const workers = [1, 2, 3].map((n) => createWorker(t.services, { workerId: `racer-${n}`, batchSize: 2 }))
    await Promise.all(workers.map((w) => w.drain({ tenantId: tenant.tenant.id })))
    expect(applied).toHaveLength(12)
    expect(new Set(applied).size).toBe(12)
    const order = applied.map((a) => a.split('@')[1])
    expect([...order].sort()).toEqual(order)
  })
})

describe('test clock API', () => {
  it('reads the clock, moves it forward by a duration or to an instant, and refuses to go back', async () => {
    const tenant = await t.tenant({ timeZone: 'Europe/Stockholm' })
    const read = await t.request(tenant, { method: 'GET', url: '/test-clock' })
    expect(read.json()).toEqual({
      now: t.clock.now().toISOString(),
      timeZone: 'Europe/Stockholm',
      today: '2025-01-15',
      offsetSeconds: 0,
    })
    const byMonth = await advance(tenant, 'P1M')
    expect(byMonth.json()).toMatchObject({ now: '2025-02-15T10:00:00.000Z', today: '2025-02-15' })
    const to = await t.request(tenant, {
      method: 'POST',
      url: '/test-clock/advance',
      payload: { to: '2025-03-30T23:30:00Z' },
    })
    expect(to.json()).toMatchObject({ now: '2025-03-30T23:30:00.000Z', today: '2025-03-31' })
    const back = await t.request(tenant, {
      method: 'POST',
      url: '/test-clock/advance',
      payload: { to: '2025-03-01T00:00:00Z' },
    })
    expect(back.statusCode).toBe(422)
    expect(back.json().code).toBe('test_clock.not_forward')
    expect((await t.request(tenant, { method: 'GET', url: '/test-clock' })).json().now).toBe('2025-03-30T23:30:00.000Z')
  })

  it('answers bad bodies with 400, live tenants with 403, missing keys with 401', async () => {
    const tenant = await t.tenant()
    for (const payload of [{}, { to: '2026-01-01T00:00:00Z', by: 'P1D' }, { by: 'one month' }, { to: 'tomorrow' }]) {
      const res = await t.request(tenant, { method: 'POST', url: '/test-clock/advance', payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
    }
    const live = await t.tenant({ sandbox: false })
    expect((await t.request(live, { method: 'GET', url: '/test-clock' })).json().code).toBe('test_clock.not_sandbox')
    expect(
      (await t.request(live, { method: 'POST', url: '/test-clock/advance', payload: { by: 'P1D' } })).statusCode,
    ).toBe(403)
    expect((await t.request(null, { method: 'GET', url: '/test-clock' })).statusCode).toBe(401)
  })

  it('replays an advance sent twice with one idempotency key instead of moving twice', async () => {
    const tenant = await t.tenant()
    const headers = { 'x-idempotency-key': 'advance-once' }
    const first = await t.request(tenant, {
      method: 'POST',
      url: '/test-clock/advance',
      payload: { by: 'P1D' },
      headers,
    })
    const again = await t.request(tenant, {
      method: 'POST',
      url: '/test-clock/advance',
      payload: { by: 'P1D' },
      headers,
    })
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body).toBe(first.body)
    expect((await t.request(tenant, { method: 'GET', url: '/test-clock' })).json().offsetSeconds).toBe(86_400)
  })
})
