import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OpenlineError, rid } from '../src/index.js'
import type { Sandbox } from './server.js'
import { orderLine, startSandbox } from './server.js'

/** The `dryRun` call option: `Prefer: dry-run` on a write, against a real server. */
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(() => sandbox.close())

describe('dryRun', () => {
  it('previews a write: the real answer, and nothing kept; the same call without it is made', async () => {
    const client = sandbox.client()
    const subscriptionId = await orderLine(sandbox, client, 'Dry Runner')
    const before = await client.subscriptions.addons.list(subscriptionId)

    const preview = await client.subscriptions.addons.add(
      subscriptionId,
      { productOfferingId: 'addon-data-5gb' },
      { dryRun: true },
    )
    expect(preview).toMatchObject({ status: 'ACTIVE', productOffering: { productOfferingId: 'addon-data-5gb' } })
    const unchanged = await client.subscriptions.addons.list(subscriptionId)
    expect(unchanged.items.map((a) => a.subscriptionAddonId)).toEqual(before.items.map((a) => a.subscriptionAddonId))

    const added = await client.subscriptions.addons.add(subscriptionId, { productOfferingId: 'addon-data-5gb' })
    const after = await client.subscriptions.addons.list(subscriptionId)
    expect(after.items.map((a) => a.subscriptionAddonId)).toContain(added.subscriptionAddonId)
    expect(after.items).toHaveLength(before.items.length + 1)
  })

  it('is refused, with nothing made, on a write that cannot be previewed', async () => {
    const client = sandbox.client()
    const error = await client.customers
      .create({ customerType: 'CONSUMER', name: 'Never Made', referenceId: 'dry-never-made' }, { dryRun: true })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenlineError)
    expect(error).toMatchObject({ status: 400, code: 'request.dry_run_unsupported' })
    await expect(client.customers.get(rid('dry-never-made'))).rejects.toMatchObject({ status: 404 })
  })

  it('throws when the answer shows the preference was dropped on the way (the write was made)', async () => {
    const stripping = sandbox.client({
      fetch: (request) => {
        const headers = new Headers(request.headers)
        headers.delete('prefer')
        return globalThis.fetch(new Request(request, { headers }))
      },
    })
    await expect(
      stripping.customers.create(
        { customerType: 'CONSUMER', name: 'Made Anyway', referenceId: 'dry-made-anyway' },
        { dryRun: true },
      ),
    ).rejects.toThrow(/was not previewed/)
    expect((await sandbox.client().customers.get(rid('dry-made-anyway'))).name).toBe('Made Anyway')
  })
})
