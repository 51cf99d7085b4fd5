import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { token } from '../../../test/helpers/v2.js'
import type { V2AddOn } from '../src/index.js'
import { OpenlineError, OpenlineV2 } from '../src/index.js'
import type { Sandbox } from './server.js'
import { orderLine, startSandbox } from './server.js'

/** The V2 add-ons API with a bearer token, snake_case, through OpenlineV2. */
let sandbox: Sandbox
let subscriptionId: string
beforeAll(async () => {
  sandbox = await startSandbox()
  subscriptionId = await orderLine(sandbox, sandbox.client(), 'Vera Two')
})
afterAll(() => sandbox.close())

const v2 = async (claims: Record<string, unknown> = {}) =>
  new OpenlineV2({
    token: await token(sandbox.t, { orgs: ['demo'], ...claims }),
    baseUrl: sandbox.baseUrl,
    org: 'demo',
    retryDelayMs: { initial: 1, max: 5 },
  })

describe('OpenlineV2', () => {
  it('adds, gets, lists (for-await over offset pages) and deactivates add-ons', async () => {
    const addOns = (await v2()).addOns(subscriptionId)
    const added = await addOns.add({ catalogue_add_on_id: 'addon-data-5gb', legacy_id: 4711 })
    expectTypeOf(added).toEqualTypeOf<V2AddOn>()
    expect(added).toMatchObject({ catalogue_add_on_id: 'addon-data-5gb', legacy_id: 4711, status: 'ACTIVE' })
    await addOns.add({ catalogue_add_on_id: 'addon-roaming-eu-7d' })
    await addOns.add({ catalogue_add_on_id: 'addon-security-pack' })
    expect((await addOns.get(added.id)).id).toBe(added.id)

    const seen: string[] = []
    for await (const a of addOns.list({ limit: 2 })) seen.push(a.catalogue_add_on_id)
    expect(seen.sort()).toEqual(['addon-data-5gb', 'addon-roaming-eu-7d', 'addon-security-pack'])

    await addOns.deactivate(added.id, { reason: 'SUBSCRIBER_RESIGNATION' })
    expect((await addOns.get(added.id)).deactivation_user).toBe('john.doe@masorange.es')
    // The same Connect API line, seen with the API key.
    const connect = await sandbox.client().subscriptions.addons.list(subscriptionId)
    expect(connect.items.length).toBeGreaterThanOrEqual(3)
  })

  it('throws the V2 error envelope as an OpenlineError', async () => {
    const reader = (await v2({ scope: 'add_ons:read' })).addOns(subscriptionId)
    const forbidden = await reader.add({ catalogue_add_on_id: 'addon-data-1gb' }).catch((e: unknown) => e)
    expect(forbidden).toBeInstanceOf(OpenlineError)
    expect(forbidden).toMatchObject({ status: 403 })
    expect((forbidden as OpenlineError).requestId).toBeTruthy()
    const missing = await (
      await v2()
    )
      .addOns('00000000-0000-4000-8000-000000000000')
      .get('00000000-0000-4000-8000-000000000001')
      .catch((e: unknown) => e)
    expect(missing).toMatchObject({ status: 404, code: 'subscription.not_found' })
    expect((missing as OpenlineError).detail).toBeTruthy()
  })
})
