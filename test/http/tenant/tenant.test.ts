import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApiKey } from '../../helpers/factories.js'
import { eventsAbout } from '../../helpers/parties.js'
import { expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const patch = (tenant: { headers: Record<string, string> }, payload: unknown) =>
  t.request(tenant, { method: 'PATCH', url: '/tenant', payload: payload as Record<string, unknown> })
const read = (tenant: { headers: Record<string, string> }) => t.request(tenant, { method: 'GET', url: '/tenant' })

describe('GET /tenant', () => {
  it('answers the calling tenant with its settings as set', async () => {
    const tenant = await t.tenant({ timeZone: 'Europe/Stockholm', settings: { currency: 'SEK' } })
    const res = await read(tenant)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({
      tenantId: tenant.tenant.id,
      name: tenant.tenant.name,
      timeZone: 'Europe/Stockholm',
      sandbox: true,
      settings: { currency: 'SEK' },
      createdAt: '2025-01-15T10:00:00.000Z',
      updatedAt: '2025-01-15T10:00:00.000Z',
    })
  })

  it('needs only the read scope, and a key', async () => {
    const tenant = await t.tenant()
    const reader = await makeApiKey(t.services, tenant.tenant, ['read'])
    expect((await read(reader)).statusCode).toBe(200)
    await expectUnauthenticated(t, { method: 'GET', url: '/tenant' })
  })
})

describe('PATCH /tenant', () => {
  it('merges settings key by key, removes keys sent as null, and changes the time zone', async () => {
    const tenant = await t.tenant({ settings: { currency: 'SEK', allowDirectSubscriptionCreation: false } })
    const res = await patch(tenant, {
      timeZone: 'America/New_York',
      settings: {
        allowDirectSubscriptionCreation: null,
        licensesManagedByBilling: true,
        networkProvider: { type: 'simulated', latencyMs: 1000, failFirst: 2 },
      },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      timeZone: 'America/New_York',
      settings: {
        currency: 'SEK',
        licensesManagedByBilling: true,
        networkProvider: { type: 'simulated', latencyMs: 1000, failFirst: 2 },
      },
    })
    expect(res.json().settings).not.toHaveProperty('allowDirectSubscriptionCreation')
    expect((await read(tenant)).json()).toEqual(res.json())
    const [event] = await eventsAbout(t, tenant, tenant.tenant.id)
    expect(event).toMatchObject({ type: 'tenant.updated', data: res.json() })
  })

  it('takes effect on the next request (the cached tenant is dropped)', async () => {
    const tenant = await t.tenant()
    await t.request(tenant, { method: 'GET', url: '/test-clock' })
    await patch(tenant, { timeZone: 'Pacific/Auckland', settings: { currency: 'NZD' } })
    expect((await t.request(tenant, { method: 'GET', url: '/test-clock' })).json()).toMatchObject({
      timeZone: 'Pacific/Auckland',
      today: '2025-01-15',
    })
    const customer = await t.request(tenant, {
      method: 'POST',
      url: '/customers',
      payload: { customerType: 'CONSUMER', name: 'Kiri' },
    })
    expect(customer.json().billing.currency).toBe('NZD')
  })

  it('refuses bad input with 400s naming the field, and writes nothing', async () => {
    const tenant = await t.tenant({ settings: { currency: 'SEK' } })
    const cases: [unknown, string, string][] = [
      [{ settings: { colour: 'blue' } }, 'request.validation_failed', '/body/settings/colour'],
      [{ settings: { currency: 'kronor' } }, 'request.validation_failed', '/body/settings/currency'],
      [
        { settings: { allowDirectSubscriptionCreation: 'yes' } },
        'request.validation_failed',
        '/body/settings/allowDirectSubscriptionCreation',
      ],
      [
        { settings: { networkProvider: { type: 'telna' } } },
        'request.validation_failed',
        '/body/settings/networkProvider/type',
      ],
      [
        { settings: { networkProvider: { type: 'simulated', failureRate: 2 } } },
        'request.validation_failed',
        '/body/settings/networkProvider/failureRate',
      ],
      [
        { settings: { networkProvider: { type: 'simulated', retries: 3 } } },
        'request.validation_failed',
        '/body/settings/networkProvider/retries',
      ],
      [{ name: 'renamed' }, 'request.validation_failed', '/body/name'],
      [{ timeZone: 'Mars/Olympus' }, 'tenant.invalid_time_zone', '/body/timeZone'],
      [{ settings: { currency: 'ABC' } }, 'tenant.invalid_settings', '/body/settings/currency'],
      [
        { settings: { fees: [{ name: 'Activation', amount: 10, currency: 'XYZ', appliesTo: ['SUBSCRIPTION'] }] } },
        'tenant.invalid_settings',
        '/body/settings/fees/0/currency',
      ],
      [
        { settings: { fees: [{ name: 'Activation', amount: 10.5, currency: 'JPY', appliesTo: ['SUBSCRIPTION'] }] } },
        'tenant.invalid_settings',
        '/body/settings/fees/0/amount',
      ],
    ]
    for (const [payload, code, path] of cases) {
      const res = await patch(tenant, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().code).toBe(code)
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    }
    expect((await read(tenant)).json()).toMatchObject({ timeZone: 'UTC', settings: { currency: 'SEK' } })
  })

  it('needs the admin scope (403) and a key (401)', async () => {
    const tenant = await t.tenant()
    const writer = await makeApiKey(t.services, tenant.tenant, ['read', 'write'])
    const res = await patch(writer, { settings: { currency: 'EUR' } })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('auth.missing_scope')
    await expectUnauthenticated(t, { method: 'PATCH', url: '/tenant', payload: { settings: { currency: 'EUR' } } })
    expect((await read(tenant)).json().settings).toEqual({})
  })

  it('replays with an idempotency key', async () => {
    const tenant = await t.tenant()
    const { first, status } = await expectReplay(t, tenant, {
      method: 'PATCH',
      url: '/tenant',
      payload: { settings: { currency: 'EUR' } },
    })
    expect(status).toBe(200)
    expect(first.settings).toEqual({ currency: 'EUR' })
  })
})
