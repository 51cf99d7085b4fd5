import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '../../../src/services/context.js'
import type { TestTenant } from '../../helpers/factories.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { createEndpoint, testDispatcher, useReceivers } from '../../helpers/webhooks.js'

/** The dispatcher claims tenant by tenant, so one busy tenant cannot hold up the others' webhooks. */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())
const receiver = useReceivers()

/** `count` events of the tenant, each on its own stream (so all of them are claimable at once). */
const emit = async (tenant: TestTenant, count: number, prefix: string) => {
  const ctx = systemContext(tenant.tenant, t.clock, 'test')
  await t.services.db.transaction(async (tx) => {
    for (let i = 0; i < count; i++)
      await t.services.events.emit(tx, ctx, {
        type: 'customer.updated',
        resource: { type: 'customer', id: `${prefix}-${i}` },
        data: { customerId: `${prefix}-${i}` },
      })
  })
}

describe('fair webhook claims', () => {
  it('gives a quiet tenant its turn while a busy tenant has a backlog', async () => {
    const busy = await t.tenant()
    const quiet = await t.tenant()
    const [busyReceiver, quietReceiver] = [await receiver(), await receiver()]
    await createEndpoint(t, busy, { url: busyReceiver.url })
    await createEndpoint(t, quiet, { url: quietReceiver.url })
    await emit(busy, 20, 'b')
    t.clock.advance(1000)
    await emit(quiet, 1, 'q')
    const dispatcher = testDispatcher(t)
    const first = await dispatcher.claim({}, 4)
    expect(first.map((c) => c.delivery.tenantId).sort()).toEqual(
      [busy.tenant.id, busy.tenant.id, busy.tenant.id, quiet.tenant.id].sort(),
    )
    await Promise.all(first.map((c) => dispatcher.deliver(c)))
    expect(quietReceiver.received).toHaveLength(1)
    expect(await dispatcher.drain()).toBe(17)
    expect(busyReceiver.received).toHaveLength(20)
  })

  it('visits every tenant in turn when more tenants are due than a batch holds', async () => {
    const tenants: TestTenant[] = []
    for (let i = 0; i < 5; i++) {
      const tenant = await t.tenant()
      await createEndpoint(t, tenant, { url: (await receiver()).url })
      await emit(tenant, 3, `t${i}`)
      tenants.push(tenant)
    }
    const dispatcher = testDispatcher(t)
    const served: string[] = []
    for (let batch = 0; batch < 3; batch++) {
      const claimed = await dispatcher.claim({}, 2)
      expect(new Set(claimed.map((c) => c.delivery.tenantId)).size).toBe(2)
      served.push(...claimed.map((c) => c.delivery.tenantId))
    }
    // Six claims: each of the five tenants once, then the first again.
    expect(new Set(served).size).toBe(5)
    expect([...new Set(served)].sort()).toEqual(tenants.map((x) => x.tenant.id).sort())
  })
})
