import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DRY_RUN, normalise, previewThenApply, snapshot } from '../../helpers/dry-run.js'
import { providerWorld, recordProviderCalls } from '../../helpers/provisioning.js'
import type { World } from '../../helpers/subscriptions.js'
import { lineNumber, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { WEBHOOK_CHANNEL } from '../../../src/persistence/repositories/webhook.repository.js'

let t: TestApp
let world: World
let other: World

beforeAll(async () => {
  t = await createTestApp()
  world = await subscriptionWorld(t)
  other = await subscriptionWorld(t)
})
afterAll(() => t.close())

const createBody = (w: World, overrides: Record<string, unknown> = {}) => ({
  productOfferingId: 'mobile-plan-plus',
  customerId: w.customer.customerId,
  subscriber: { name: 'Sam Subscriber' },
  msisdn: lineNumber(),
  ...overrides,
})

/** Sends a dry-run and checks it wrote nothing; answers the response. */
async function dryRun(headers: Record<string, string> | null, request: Parameters<TestApp['request']>[1]) {
  const before = await snapshot(t.database.db)
  const res = await t.request(headers && { headers }, {
    ...request,
    headers: { ...DRY_RUN, ...(request.headers as Record<string, string> | undefined) },
  })
  expect(await snapshot(t.database.db)).toEqual(before)
  return res
}

describe('Prefer: dry-run, credentials and tenancy', () => {
  it('is a 401 without a key, and writes nothing', async () => {
    const res = await dryRun(null, { method: 'POST', url: '/subscriptions', payload: createBody(world) })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('auth.missing_api_key')
  })

  it("previews another tenant's subscription as the same 404", async () => {
    const theirs = await makeSubscription(t, other)
    const { preview } = await previewThenApply(t, world.tenant, {
      method: 'POST',
      url: `/subscriptions/${theirs.subscriptionId}/pause`,
      payload: {},
    })
    expect(preview.statusCode).toBe(404)
    expect(preview.json().code).toBe('subscription.not_found')
    expect(JSON.stringify(preview.json())).not.toContain(other.customer.customerId)
  })

  it('needs the write scope, like the call itself', async () => {
    const reader = await t.tenant({ scopes: ['read'] })
    const res = await dryRun(reader.headers, { method: 'POST', url: '/subscriptions', payload: createBody(world) })
    expect(res.statusCode).toBe(403)
  })
})

describe('Prefer: dry-run previews refusals', () => {
  it('answers the same 422 problem detail as the call', async () => {
    const { preview } = await previewThenApply(t, world.tenant, {
      method: 'POST',
      url: '/subscriptions',
      payload: createBody(world, { productOfferingId: 'no-such-plan' }),
    })
    expect(preview.statusCode).toBe(422)
    expect(preview.headers['content-type']).toContain('application/problem+json')
  })

  it('answers the same 400 for a body that is not valid', async () => {
    const { preview } = await previewThenApply(t, world.tenant, {
      method: 'POST',
      url: '/subscriptions',
      payload: createBody(world, { scheduleAt: 'tomorrow' }),
    })
    expect(preview.statusCode).toBe(400)
  })

  it('answers the same 409 for an illegal transition', async () => {
    const sub = await makeSubscription(t, world)
    const { preview } = await previewThenApply(t, world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/resume`,
      payload: {},
    })
    expect(preview.statusCode).toBe(409)
  })

  it('refuses a number another line holds, and leaves the number as it was', async () => {
    const msisdn = lineNumber()
    await makeSubscription(t, world, { msisdn })
    const { preview } = await previewThenApply(t, world.tenant, {
      method: 'POST',
      url: '/subscriptions',
      payload: createBody(world, { msisdn }),
    })
    expect(preview.statusCode).toBeGreaterThanOrEqual(400)
  })
})

describe('Prefer: dry-run and idempotency keys', () => {
  it('does not consume the key: the real call with it afterwards makes the change', async () => {
    const key = { 'x-idempotency-key': randomUUID() }
    const payload = createBody(world)
    const preview = await dryRun(world.tenant.headers, { method: 'POST', url: '/subscriptions', headers: key, payload })
    expect(preview.statusCode).toBe(201)
    const status = await t.request(world.tenant, {
      method: 'GET',
      url: `/idempotency-keys/${key['x-idempotency-key']}`,
    })
    expect(status.json().state).toBe('unknown')
    const real = await t.request(world.tenant, { method: 'POST', url: '/subscriptions', headers: key, payload })
    expect(real.statusCode).toBe(201)
    expect(real.headers['idempotent-replayed']).toBeUndefined()
    expect(normalise(preview.body)).toEqual(normalise(real.body))
    const found = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${real.json().subscriptionId}` })
    expect(found.statusCode).toBe(200)
  })

  it('previews the replay of a key already used for the same request', async () => {
    const key = { 'x-idempotency-key': randomUUID() }
    const payload = createBody(world)
    const real = await t.request(world.tenant, { method: 'POST', url: '/subscriptions', headers: key, payload })
    expect(real.statusCode).toBe(201)
    const preview = await dryRun(world.tenant.headers, { method: 'POST', url: '/subscriptions', headers: key, payload })
    expect(preview.statusCode).toBe(201)
    expect(preview.headers['idempotent-replayed']).toBe('true')
    expect(preview.headers['openline-dry-run']).toBe('true')
    expect(preview.body).toBe(real.body)
  })

  it('previews the 409 of a key used for another request', async () => {
    const key = { 'x-idempotency-key': randomUUID() }
    const real = await t.request(world.tenant, {
      method: 'POST',
      url: '/subscriptions',
      headers: key,
      payload: createBody(world),
    })
    expect(real.statusCode).toBe(201)
    const preview = await dryRun(world.tenant.headers, {
      method: 'POST',
      url: '/subscriptions',
      headers: key,
      payload: createBody(world),
    })
    expect(preview.statusCode).toBe(409)
    expect(preview.json().code).toBe('idempotency.key_reused')
  })

  it('previews the 409 of a key whose request is still running', async () => {
    const key = randomUUID()
    const url = '/subscriptions'
    const payload = createBody(world)
    // A claim as the plugin takes it, for the same request, that has not finished.
    const { fingerprint } = await import('../../../src/domain/idempotency/fingerprint.js')
    const claimed = await t.services.idempotency.claim(
      world.tenant.tenant.id,
      key,
      fingerprint({ method: 'POST', route: url, params: {}, body: payload }),
    )
    expect(claimed.type).toBe('claimed')
    const preview = await dryRun(world.tenant.headers, {
      method: 'POST',
      url,
      headers: { 'x-idempotency-key': key },
      payload,
    })
    expect(preview.statusCode).toBe(409)
    expect(preview.json().code).toBe('idempotency.request_in_progress')
  })
})

describe('Prefer: dry-run, where it applies', () => {
  it('refuses a write it cannot preview, writing nothing', async () => {
    for (const request of [
      { method: 'POST' as const, url: '/users', payload: { name: 'Not Created' } },
      { method: 'POST' as const, url: '/webhook-endpoints', payload: { url: 'http://127.0.0.1:9/x' } },
      { method: 'POST' as const, url: '/test-clock/advance', payload: { by: 'P1D' } },
      { method: 'PATCH' as const, url: '/tenant', payload: { timeZone: 'Europe/Paris' } },
      { method: 'POST' as const, url: '/api-keys', payload: { label: 'not created' } },
      { method: 'POST' as const, url: '/inventory/lease-numbers', payload: { types: ['CELL'], count: 1 } },
    ]) {
      const res = await dryRun(world.tenant.headers, request)
      expect(res.statusCode, `${request.url}: ${res.body}`).toBe(400)
      expect(res.json()).toMatchObject({ code: 'request.dry_run_unsupported', errors: [{ path: '/headers/prefer' }] })
      expect(res.headers['openline-dry-run']).toBeUndefined()
    }
  })

  it('leaves reads alone: the preference is ignored, not applied', async () => {
    const res = await t.request(world.tenant, { method: 'GET', url: '/subscriptions', headers: DRY_RUN })
    expect(res.statusCode).toBe(200)
    expect(res.headers['preference-applied']).toBeUndefined()
  })

  it('reads dry-run among other preferences, and only that token', async () => {
    const payload = createBody(world)
    const res = await dryRun(world.tenant.headers, {
      method: 'POST',
      url: '/subscriptions',
      headers: { prefer: 'respond-async, DRY-RUN; strict' },
      payload,
    })
    expect(res.statusCode).toBe(201)
    expect(res.headers['preference-applied']).toBe('dry-run')
    // Another preference alone is no dry-run: the call is made.
    const real = await t.request(world.tenant, {
      method: 'POST',
      url: '/subscriptions',
      headers: { prefer: 'return=minimal' },
      payload,
    })
    expect(real.statusCode).toBe(201)
    expect(real.headers['openline-dry-run']).toBeUndefined()
    expect(
      (await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${real.json().subscriptionId}` }))
        .statusCode,
    ).toBe(200)
  })

  it('runs beside real writes on the same line without blocking them', async () => {
    const sub = await makeSubscription(t, world)
    const url = `/subscriptions/${sub.subscriptionId}`
    const [preview, real] = await Promise.all([
      t.request(world.tenant, { method: 'POST', url: `${url}/block`, headers: DRY_RUN, payload: {} }),
      t.request(world.tenant, { method: 'POST', url: `${url}/pause`, payload: {} }),
    ])
    expect(preview.headers['openline-dry-run']).toBe('true')
    expect([200, 409]).toContain(preview.statusCode)
    expect(real.statusCode).toBe(200)
    const after = await t.request(world.tenant, { method: 'GET', url })
    expect(after.json().status).toBe('PAUSED')
  })
})

describe('Prefer: dry-run and webhook notifications', () => {
  it('sends no NOTIFY: the wake-up of dispatchers is rolled back with the deliveries', async () => {
    const listen = t.database.listen
    if (!listen) throw new Error('both databases LISTEN')
    const previewed = await subscriptionWorld(t)
    const applied = await subscriptionWorld(t)
    for (const w of [previewed, applied]) {
      const res = await t.request(w.tenant, {
        method: 'POST',
        url: '/webhook-endpoints',
        payload: { url: 'http://127.0.0.1:9/dry-run' },
      })
      expect(res.statusCode, res.body).toBe(201)
    }
    const woken: string[] = []
    let arrived: () => void = () => undefined
    const appliedWoken = new Promise<void>((resolve) => (arrived = resolve))
    const stop = await listen(WEBHOOK_CHANNEL, (tenantId) => {
      woken.push(tenantId)
      if (tenantId === applied.tenant.tenant.id) arrived()
    })
    try {
      const preview = await dryRun(previewed.tenant.headers, {
        method: 'POST',
        url: '/subscriptions',
        payload: createBody(previewed),
      })
      expect(preview.statusCode).toBe(201)
      // Notifications arrive in commit order: once the later real call's has come, a preview's
      // would have come before it.
      const real = await t.request(applied.tenant, {
        method: 'POST',
        url: '/subscriptions',
        payload: createBody(applied),
      })
      expect(real.statusCode).toBe(201)
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        appliedWoken,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no NOTIFY from the real call')), 10_000)
        }),
      ]).finally(() => clearTimeout(timer))
      expect(woken).not.toContain(previewed.tenant.tenant.id)
    } finally {
      await stop()
    }
  })
})

describe('Prefer: dry-run and the network provider', () => {
  it('never calls the provider nor leaves a provisioning job: the add-on previews as pending provisioning', async () => {
    const calls = recordProviderCalls(t)
    const pw = await providerWorld(t)
    const request = {
      method: 'POST' as const,
      url: `/subscriptions/${pw.subscription.subscriptionId}/addons`,
      payload: { productOfferingId: 'addon-data-1gb' },
    }
    const preview = await dryRun(pw.tenant.headers, request)
    expect(preview.statusCode, preview.body).toBe(201)
    expect(preview.json()).toMatchObject({ status: 'PENDING', provisioning: { state: 'PENDING' } })
    await t.worker.drain({ tenantId: pw.tenant.tenant.id })
    expect(calls).toEqual([])
    const { preview: again, real } = await previewThenApply(t, pw.tenant, request)
    expect(again.json()).toMatchObject({ status: 'PENDING', provisioning: { state: 'PENDING' } })
    await t.worker.drain({ tenantId: pw.tenant.tenant.id })
    expect(calls.map((c) => [c.call, c.subscriptionAddonId])).toEqual([['provision', real.json().subscriptionAddonId]])
  })
})
