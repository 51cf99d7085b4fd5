import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PortingAnswer } from '../../../src/domain/porting/port-in.js'
import type { PortInRequest } from '../../../src/services/porting/porting-provider.js'
import { ProviderError } from '../../../src/services/provisioning/network-provider.js'
import { stockInventory } from '../../helpers/inventory.js'
import { inPorting, orderPortIn, portInItem, portableNumber, runDueJobs } from '../../helpers/porting.js'
import type { World } from '../../helpers/subscriptions.js'
import { advanceTo, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
/** What the scripted provider answers each submission with, by number: an error to throw, or an answer. */
const script = new Map<string, (request: PortInRequest) => PortingAnswer>()
const calls: PortInRequest[] = []

beforeAll(async () => {
  t = await createTestApp()
  // A real integration plugs in the same way; this one answers what each test scripts.
  t.services.portingProviders.register('scripted', () => ({
    submit: async (request) => {
      calls.push(request)
      return (script.get(request.msisdn) as (r: PortInRequest) => PortingAnswer)(request)
    },
    check: async (request) => ({ status: 'COMPLETED', reference: request.reference }),
    cancel: async () => undefined,
  }))
})
afterAll(() => t.close())

async function scriptedWorld(): Promise<World> {
  const world = await subscriptionWorld(t)
  await t.services.tenants.update(t.services.db, world.tenant.tenant.id, {
    settings: { portingProvider: { type: 'scripted' } },
  })
  await stockInventory(t, world.tenant)
  return world
}

describe('a porting provider that fails', () => {
  it('is retried with backoff, and the port-in FAILED after the sixth failing call', async () => {
    const world = await scriptedWorld()
    const msisdn = portableNumber()
    script.set(msisdn, () => {
      throw new ProviderError('gateway timeout', { retryable: true })
    })
    const { subscription } = await orderPortIn(t, world, portInItem(msisdn, { tempNumber: true }))
    await runDueJobs(t, world)
    expect((await inPorting(t, world, subscription.subscriptionId)).status).toBe('PENDING')
    // 5 s, 10 s, 20 s, 40 s, 80 s: the sixth call is 155 s after the first.
    await advanceTo(t, world, '2025-01-15T10:02:34Z')
    expect((await inPorting(t, world, subscription.subscriptionId)).status).toBe('PENDING')
    await advanceTo(t, world, '2025-01-15T10:02:35Z')
    expect(await inPorting(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'FAILED',
      failure: { reason: 'The porting provider failed: gateway timeout' },
    })
    expect(calls.filter((c) => c.msisdn === msisdn)).toHaveLength(6)
  })

  it('fails the port-in at once when the provider refuses the request', async () => {
    const world = await scriptedWorld()
    const msisdn = portableNumber()
    script.set(msisdn, () => {
      throw new ProviderError('unknown donor', { retryable: false })
    })
    const { subscription } = await orderPortIn(t, world, portInItem(msisdn, { tempNumber: true }))
    await runDueJobs(t, world)
    expect(await inPorting(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'FAILED',
      failure: { reason: 'The porting provider failed: unknown donor' },
    })
  })

  it('gets the details as given, passcode included, and may answer straight away', async () => {
    const world = await scriptedWorld()
    const msisdn = portableNumber()
    script.set(msisdn, (request) => ({ status: 'COMPLETED', reference: `done-${request.revision}` }))
    const { subscription } = await orderPortIn(t, world, portInItem(msisdn))
    await runDueJobs(t, world)
    expect(calls.find((c) => c.msisdn === msisdn)).toMatchObject({
      country: 'US',
      revision: 1,
      reference: null,
      details: { passcode: '8642', accountNumber: 'ACC-1234' },
    })
    expect(await inPorting(t, world, subscription.subscriptionId)).toMatchObject({
      status: 'COMPLETED',
      providerReference: 'done-1',
    })
  })
})
