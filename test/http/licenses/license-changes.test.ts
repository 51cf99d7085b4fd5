import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../../helpers/factories.js'
import { BACKUP, PREMIUM, RETIRED, SUITE, getLicense, licenseWorld, makeLicense } from '../../helpers/licenses.js'
import { eventsAbout } from '../../helpers/parties.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { World } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
let world: World
let stranger: World
let reader: { headers: Record<string, string> }

beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z
  world = await licenseWorld(t)
  stranger = await licenseWorld(t)
  const key = await t.services.apiKeys.create(undefined, world.tenant.tenant, { label: 'reader', scopes: ['read'] })
  reader = { headers: { 'x-api-key': key.key } }
})
afterAll(() => t.close())

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const send = (method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, payload?: Record<string, unknown>) =>
  t.request(world.tenant, { method, url, ...(payload && { payload }) })

/** Every route's shared checks: 401, 403 for a read-only key (writes), another tenant's license 404 by UUID and rid_; nothing changes. */
async function expectGuarded(
  license: Json,
  method: 'POST' | 'PUT' | 'DELETE' | 'GET',
  path: string,
  payload?: Record<string, unknown>,
): Promise<void> {
  const events = (await eventsAbout(t, world.tenant, license.licenseId)).length
  const options = (id: string) => ({ method, url: `/licenses/${id}${path}`, ...(payload && { payload }) })
  await expectUnauthenticated(t, options(license.licenseId))
  await expectHiddenFrom(t, stranger.tenant, options(license.licenseId), 'license.not_found')
  await expectHiddenFrom(t, stranger.tenant, options(`rid_${license.referenceId}`), 'license.not_found')
  if (method !== 'GET') expect((await t.request(reader, options(license.licenseId))).statusCode).toBe(403)
  expect((await eventsAbout(t, world.tenant, license.licenseId)).length).toBe(events)
}

describe('POST /licenses/{licenseId}/cancel', () => {
  it('cancels now with license.ended only, and a second time is a 409 license.is_cancelled', async () => {
    const license = await makeLicense(t, world, { referenceId: uniqueName('l') })
    const res = await send('POST', `/licenses/rid_${license.referenceId}/cancel`, {
      reason: 'moving',
      metadata: { ticket: 'T-1' },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: '2025-01-15T10:00:00.000Z',
      pendingStatus: null,
      billingCycle: null,
    })
    expect((await eventsAbout(t, world.tenant, license.licenseId)).map((e) => e.type)).toEqual([
      'license.created',
      'license.ended',
    ])
    const again = await send('POST', `/licenses/${license.licenseId}/cancel`)
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('license.is_cancelled')
  })

  it('answers a malformed date with 400, and guards like every route', async () => {
    const license = await makeLicense(t, world, { referenceId: uniqueName('l') })
    const bad = await send('POST', `/licenses/${license.licenseId}/cancel`, { scheduledAt: 'tomorrow' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].path).toBe('/body/scheduledAt')
    await expectGuarded(license, 'POST', '/cancel', { scheduledAt: '2025-03-01' })
    expect((await getLicense(t, world, license.licenseId)).pendingStatus).toBeNull()
    const { first } = await expectReplay(t, world.tenant, {
      method: 'POST',
      url: `/licenses/${license.licenseId}/cancel`,
      payload: { scheduledAt: '2025-03-01' },
    })
    expect(first.pendingStatus).toEqual({ status: 'CANCELLED', scheduledAt: '2025-03-01' })
  })
})

describe('PUT /licenses/{licenseId}/product-offering-change', () => {
  it('refuses with a code each, naming the field, and changes nothing', async () => {
    const license = await makeLicense(t, world)
    const url = `/licenses/${license.licenseId}/product-offering-change`
    const cases: [string, number, string][] = [
      ['no-such-offering', 422, 'product_offering.not_found'],
      [RETIRED, 422, 'product_offering.not_orderable'],
      [SUITE, 422, 'license.offering_unchanged'],
      [BACKUP, 422, 'license.offering_incompatible'],
      ['mobile-plan-basic', 422, 'license.offering_incompatible'],
    ]
    for (const [productOfferingId, status, code] of cases) {
      const res = await send('PUT', url, { productOfferingId })
      expect(res.statusCode, res.body).toBe(status)
      expect(res.json()).toMatchObject({ code, errors: [{ path: '/body/productOfferingId' }] })
    }
    const missing = await send('PUT', url, {})
    expect(missing.statusCode).toBe(400)
    expect(missing.json().errors[0].path).toBe('/body/productOfferingId')
    expect(await getLicense(t, world, license.licenseId)).toEqual(license)
    expect((await eventsAbout(t, world.tenant, license.licenseId)).length).toBe(1)
  })

  it('refuses a cancelled license (409 license.is_cancelled) and a change after a pending cancel (409 license.cancellation_pending)', async () => {
    const cancelled = await makeLicense(t, world)
    await send('POST', `/licenses/${cancelled.licenseId}/cancel`)
    const res = await send('PUT', `/licenses/${cancelled.licenseId}/product-offering-change`, {
      productOfferingId: PREMIUM,
    })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('license.is_cancelled')
    const ending = await makeLicense(t, world, { productOfferingId: PREMIUM })
    await send('POST', `/licenses/${ending.licenseId}/cancel`, { scheduledAt: '2025-02-01' })
    const down = await send('PUT', `/licenses/${ending.licenseId}/product-offering-change`, {
      productOfferingId: SUITE,
    })
    expect(down.statusCode).toBe(409)
    expect(down.json()).toMatchObject({ code: 'license.cancellation_pending', cancelAt: '2025-02-01T00:00:00.000Z' })
    // An upgrade applies now, before the cancel, so it is allowed.
    const suite = await makeLicense(t, world)
    await send('POST', `/licenses/${suite.licenseId}/cancel`, { scheduledAt: '2025-02-01' })
    const up = await send('PUT', `/licenses/${suite.licenseId}/product-offering-change`, { productOfferingId: PREMIUM })
    expect(up.json()).toMatchObject({
      productOfferingId: PREMIUM,
      pendingStatus: { status: 'CANCELLED', scheduledAt: '2025-02-01' },
    })
  })

  it('never applies before the earliest day, and guards like every route', async () => {
    const license = await makeLicense(t, world, { referenceId: uniqueName('l') })
    const res = await send('PUT', `/licenses/${license.licenseId}/product-offering-change`, {
      productOfferingId: PREMIUM,
      scheduledAt: '2025-02-03',
    })
    expect(res.json()).toMatchObject({
      productOfferingId: SUITE,
      pendingProductOffering: { productOfferingId: PREMIUM, scheduledAt: '2025-02-03' },
    })
    const other = await makeLicense(t, world, { referenceId: uniqueName('l') })
    await expectGuarded(other, 'PUT', '/product-offering-change', { productOfferingId: PREMIUM })
    expect((await getLicense(t, world, other.licenseId)).productOfferingId).toBe(SUITE)
    const { first } = await expectReplay(t, world.tenant, {
      method: 'PUT',
      url: `/licenses/${other.licenseId}/product-offering-change`,
      payload: { productOfferingId: PREMIUM },
    })
    expect(first.productOfferingId).toBe(PREMIUM)
    expect((await eventsAbout(t, world.tenant, other.licenseId)).map((e) => e.type)).toEqual([
      'license.created',
      'license.updated',
    ])
  })
})

describe('GET /licenses/{licenseId}/product-offering-options', () => {
  it('lists AVAILABLE licenses of the same category, each with its direction and when it would apply', async () => {
    const suite = await makeLicense(t, world, { referenceId: uniqueName('l') })
    const premium = await makeLicense(t, world, { productOfferingId: PREMIUM })
    const options = async (id: string) =>
      (await send('GET', `/licenses/${id}/product-offering-options`)).json().items as Json[]
    expect(await options(suite.licenseId)).toEqual([
      {
        productOfferingId: PREMIUM,
        productOffering: expect.objectContaining({ productOfferingId: PREMIUM }),
        changeSchedule: 'INSTANT',
        changeScheduleDate: '2025-01-15',
        direction: 'UPGRADE',
      },
    ])
    expect(await options(premium.licenseId)).toEqual([
      {
        productOfferingId: SUITE,
        productOffering: expect.objectContaining({ productOfferingId: SUITE }),
        changeSchedule: 'NEXT_RENEWAL',
        changeScheduleDate: '2025-02-15',
        direction: 'DOWNGRADE',
      },
    ])
    await expectGuarded(suite, 'GET', '/product-offering-options')
    await send('POST', `/licenses/${suite.licenseId}/cancel`)
    const cancelled = await send('GET', `/licenses/${suite.licenseId}/product-offering-options`)
    expect(cancelled.statusCode).toBe(409)
    expect(cancelled.json().code).toBe('license.is_cancelled')
  })
})

describe('DELETE /licenses/{licenseId}/pending-status and /pending-product-offering', () => {
  it('withdraws a pending cancel or offering change, with license.updated', async () => {
    const license = await makeLicense(t, world, { productOfferingId: PREMIUM })
    await send('POST', `/licenses/${license.licenseId}/cancel`, { scheduledAt: '2025-03-01' })
    await send('PUT', `/licenses/${license.licenseId}/product-offering-change`, { productOfferingId: SUITE })
    const status = await send('DELETE', `/licenses/${license.licenseId}/pending-status`)
    expect(status.statusCode, status.body).toBe(200)
    expect(status.json()).toMatchObject({
      pendingStatus: null,
      pendingProductOffering: { productOfferingId: SUITE, scheduledAt: '2025-02-15' },
    })
    const offering = await send('DELETE', `/licenses/${license.licenseId}/pending-product-offering`)
    expect(offering.json()).toMatchObject({
      pendingStatus: null,
      pendingProductOffering: null,
      productOfferingId: PREMIUM,
    })
    expect((await eventsAbout(t, world.tenant, license.licenseId)).map((e) => e.type)).toEqual([
      'license.created',
      ...Array<string>(4).fill('license.updated'),
    ])
  })

  it('answers 404 when nothing is pending, and 409 for a scheduled activation (cancel instead)', async () => {
    const license = await makeLicense(t, world)
    for (const [path, code] of [
      ['pending-status', 'pending_status.not_found'],
      ['pending-product-offering', 'pending_product_offering.not_found'],
    ]) {
      const res = await send('DELETE', `/licenses/${license.licenseId}/${path}`)
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe(code)
    }
    const pending = await makeLicense(t, world, { activationDate: '2025-02-01' })
    const res = await send('DELETE', `/licenses/${pending.licenseId}/pending-status`)
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('license.activation_pending')
    expect((await getLicense(t, world, pending.licenseId)).pendingStatus).toEqual({
      status: 'ACTIVE',
      scheduledAt: '2025-02-01',
    })
  })

  it('guards like every route and replays', async () => {
    for (const path of ['/pending-status', '/pending-product-offering']) {
      const license = await makeLicense(t, world, { productOfferingId: PREMIUM, referenceId: uniqueName('l') })
      await send('POST', `/licenses/${license.licenseId}/cancel`, { scheduledAt: '2025-03-01' })
      await send('PUT', `/licenses/${license.licenseId}/product-offering-change`, { productOfferingId: SUITE })
      await expectGuarded(license, 'DELETE', path)
      const { status } = await expectReplay(t, world.tenant, {
        method: 'DELETE',
        url: `/licenses/${license.licenseId}${path}`,
      })
      expect(status).toBe(200)
    }
  })
})

describe('GET /licenses/{licenseId}/timeline', () => {
  it('guards like every route', async () => {
    const license = await makeLicense(t, world, { referenceId: uniqueName('l') })
    await expectGuarded(license, 'GET', '/timeline')
  })
})
