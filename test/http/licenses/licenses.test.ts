import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../../helpers/factories.js'
import {
  BACKUP,
  PREMIUM,
  RETIRED,
  SUITE,
  getLicense,
  licenseTimeline,
  licenseWorld,
  makeLicense,
} from '../../helpers/licenses.js'
import { countOf, eventsAbout, makeCustomer } from '../../helpers/parties.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { World } from '../../helpers/subscriptions.js'
import { makeSubscription } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
let world: World
let stranger: World

beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z
  world = await licenseWorld(t)
  stranger = await licenseWorld(t)
})
afterAll(() => t.close())

const create = (payload: Record<string, unknown>, w: World = world) =>
  t.request(w.tenant, { method: 'POST', url: '/licenses', payload })

describe('POST /licenses', () => {
  it('creates an ACTIVE license assigned to a subscription, with its customer, offering and billing cycle', async () => {
    const sub = await makeSubscription(t, world, { referenceId: uniqueName('sub') })
    const referenceId = uniqueName('crm-license')
    const own = await makeLicense(t, world, {
      assignedTo: { type: 'SUBSCRIPTION', subscriptionId: `rid_${sub.referenceId}` },
      referenceId,
      details: { seats: 5 },
      metadata: { crmId: 7 },
    })
    expect(own).toEqual({
      licenseId: expect.any(String),
      status: 'ACTIVE',
      type: 'LICENSE_SECURITY',
      customerId: world.customer.customerId,
      customer: { customerId: world.customer.customerId, name: world.customer.name },
      productOfferingId: SUITE,
      productOffering: expect.objectContaining({
        productOfferingId: SUITE,
        name: 'Security Suite',
        price: expect.objectContaining({ grossPrice: 4.99 }),
        productOfferingGroupId: 'licenses',
      }),
      assignedTo: { type: 'SUBSCRIPTION', subscriptionId: sub.subscriptionId, subscriptionDisplay: sub.display },
      details: { seats: 5 },
      pendingStatus: null,
      pendingProductOffering: null,
      billingCycle: {
        anchorDate: '2025-01-15',
        currentPeriodStart: '2025-01-15T10:00:00.000Z',
        nextRenewalAt: '2025-02-15T00:00:00.000Z',
      },
      activatedAt: '2025-01-15T10:00:00.000Z',
      cancelledAt: null,
      pausedAt: null,
      createdAt: '2025-01-15T10:00:00.000Z',
      updatedAt: '2025-01-15T10:00:00.000Z',
      referenceId,
      metadata: { crmId: 7 },
    })
    expect(await getLicense(t, world, own.licenseId)).toEqual(own)
    expect(await getLicense(t, world, `rid_${referenceId}`)).toEqual(own)
    const events = await eventsAbout(t, world.tenant, own.licenseId)
    expect(events.map((e) => e.type)).toEqual(['license.created'])
    expect(events[0]).toMatchObject({ resource: { type: 'license', id: own.licenseId }, data: own })
    const timeline = await licenseTimeline(t, world, own.licenseId)
    expect(timeline.map((i) => [i.kind, i.state])).toEqual([
      ['created', 'DONE'],
      ['activated', 'DONE'],
      ['renew', 'SCHEDULED'],
    ])
  })

  it('takes the type from the body when given, needs no assignment, and finds the customer by rid_', async () => {
    const customer = await makeCustomer(t, world.tenant, { referenceId: uniqueName('crm-customer') })
    const license = await makeLicense(t, world, { type: 'ANTIVIRUS', customerId: `rid_${customer.referenceId}` })
    expect(license).toMatchObject({
      type: 'ANTIVIRUS',
      customerId: customer.customerId,
      assignedTo: null,
      details: {},
      metadata: {},
      referenceId: null,
    })
  })

  it.each([
    ['no offering', { customerId: 'x' }, '/body/productOfferingId'],
    ['no customer', { productOfferingId: SUITE }, '/body/customerId'],
    [
      'a malformed activation date',
      { productOfferingId: SUITE, customerId: 'CUSTOMER', activationDate: '2025-2-1' },
      '/body/activationDate',
    ],
    [
      'an assignment that is not to a subscription',
      { productOfferingId: SUITE, customerId: 'CUSTOMER', assignedTo: { type: 'DEVICE', subscriptionId: 'x' } },
      '/body/assignedTo/type',
    ],
    [
      'a reference over 255 characters',
      { productOfferingId: SUITE, customerId: 'CUSTOMER', referenceId: 'r'.repeat(256) },
      '/body/referenceId',
    ],
    [
      'details that are not an object',
      { productOfferingId: SUITE, customerId: 'CUSTOMER', details: 'x' },
      '/body/details',
    ],
    ['a malformed customer id', { productOfferingId: SUITE, customerId: 'customer-1' }, '/body/customerId'],
    [
      'a malformed subscription id',
      {
        productOfferingId: SUITE,
        customerId: 'CUSTOMER',
        assignedTo: { type: 'SUBSCRIPTION', subscriptionId: 'sub-1' },
      },
      '/body/assignedTo/subscriptionId',
    ],
  ])('answers %s with 400 naming the field, and writes nothing', async (_case, payload, path) => {
    const body = JSON.parse(JSON.stringify(payload).replace('CUSTOMER', world.customer.customerId)) as Record<
      string,
      unknown
    >
    const before = await countOf(t, world.tenant, '/licenses')
    const res = await create(body)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(await countOf(t, world.tenant, '/licenses')).toBe(before)
  })

  it('refuses with 422 and a code each, naming the field, and writes nothing', async () => {
    const other = await makeCustomer(t, world.tenant)
    const theirs = await makeSubscription(t, { ...world, customer: other })
    const cancelled = await makeSubscription(t, world)
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${cancelled.subscriptionId}/cancel`,
      payload: { schedule: 'CancelNow', reason: 'NO_NEED' },
    })
    const assign = (subscriptionId: string) => ({ type: 'SUBSCRIPTION', subscriptionId })
    const customerId = world.customer.customerId
    const cases: [Record<string, unknown>, string, string][] = [
      [{ productOfferingId: 'no-such-offering', customerId }, 'product_offering.not_found', '/body/productOfferingId'],
      [
        { productOfferingId: 'mobile-plan-basic', customerId },
        'license.offering_not_a_license',
        '/body/productOfferingId',
      ],
      [{ productOfferingId: RETIRED, customerId }, 'product_offering.not_orderable', '/body/productOfferingId'],
      [{ productOfferingId: SUITE, customerId: 'rid_nobody' }, 'customer.not_found', '/body/customerId'],
      [
        { productOfferingId: SUITE, customerId: stranger.customer.customerId },
        'customer.not_found',
        '/body/customerId',
      ],
      [
        { productOfferingId: SUITE, customerId, assignedTo: assign('rid_nothing') },
        'subscription.not_found',
        '/body/assignedTo/subscriptionId',
      ],
      [
        { productOfferingId: SUITE, customerId, assignedTo: assign(theirs.subscriptionId) },
        'license.subscription_other_customer',
        '/body/assignedTo/subscriptionId',
      ],
      [
        { productOfferingId: SUITE, customerId, assignedTo: assign(cancelled.subscriptionId) },
        'license.subscription_cancelled',
        '/body/assignedTo/subscriptionId',
      ],
    ]
    const before = await countOf(t, world.tenant, '/licenses')
    for (const [payload, code, path] of cases) {
      const res = await create(payload)
      expect(res.statusCode, `${code}: ${res.body}`).toBe(422)
      expect(res.json().code).toBe(code)
      expect(res.json().errors).toEqual([{ path, message: expect.any(String) }])
    }
    expect(await countOf(t, world.tenant, '/licenses')).toBe(before)
  })

  it('answers a reference another license has with 409 license.reference_taken', async () => {
    const referenceId = uniqueName('dup')
    await makeLicense(t, world, { referenceId })
    const before = await countOf(t, world.tenant, '/licenses')
    const res = await create({ productOfferingId: SUITE, customerId: world.customer.customerId, referenceId })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('license.reference_taken')
    expect(await countOf(t, world.tenant, '/licenses')).toBe(before)
  })

  it('is disabled where billing manages licenses: 422 license.creation_disabled, pointing at orders', async () => {
    const managed = await licenseWorld(t)
    await t.services.tenants.update(t.services.db, managed.tenant.tenant.id, {
      settings: { licensesManagedByBilling: true },
    })
    managed.tenant.tenant = await t.services.tenants.getById(managed.tenant.tenant.id)
    const res = await create({ productOfferingId: SUITE, customerId: managed.customer.customerId }, managed)
    expect(res.statusCode, res.body).toBe(422)
    expect(res.json()).toMatchObject({
      code: 'license.creation_disabled',
      detail: expect.stringContaining('create licenses through orders'),
    })
    expect(await countOf(t, managed.tenant, '/licenses')).toBe(0)
  })

  it('replays with an idempotency key, answers 401 without a key and 403 for a read-only key', async () => {
    const payload = { productOfferingId: SUITE, customerId: world.customer.customerId }
    const { first, status } = await expectReplay(t, world.tenant, { method: 'POST', url: '/licenses', payload })
    expect(status).toBe(201)
    expect(
      await countOf(t, world.tenant, `/licenses?customerId=${world.customer.customerId}&status=ACTIVE`),
    ).toBeGreaterThan(0)
    expect((await eventsAbout(t, world.tenant, first.licenseId)).length).toBe(1)
    const before = await countOf(t, world.tenant, '/licenses')
    await expectUnauthenticated(t, { method: 'POST', url: '/licenses', payload })
    const reader = await t.services.apiKeys.create(undefined, world.tenant.tenant, {
      label: 'reader',
      scopes: ['read'],
    })
    const res = await t.request({ headers: { 'x-api-key': reader.key } }, { method: 'POST', url: '/licenses', payload })
    expect(res.statusCode).toBe(403)
    expect(await countOf(t, world.tenant, '/licenses')).toBe(before)
  })
})

describe('GET /licenses/{licenseId}', () => {
  it('hides another tenant’s license by UUID and rid_, needs a key, and rejects malformed ids', async () => {
    const license = await makeLicense(t, world, { referenceId: uniqueName('hidden') })
    await expectHiddenFrom(
      t,
      stranger.tenant,
      { method: 'GET', url: `/licenses/${license.licenseId}` },
      'license.not_found',
    )
    await expectHiddenFrom(
      t,
      stranger.tenant,
      { method: 'GET', url: `/licenses/rid_${license.referenceId}` },
      'license.not_found',
    )
    await expectUnauthenticated(t, { method: 'GET', url: `/licenses/${license.licenseId}` })
    const bad = await t.request(world.tenant, { method: 'GET', url: '/licenses/license-1' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].path).toBe('/params/licenseId')
  })
})

describe('GET /licenses', () => {
  it('filters by customer (UUID or rid_), status, type and subscription, and pages both ways', async () => {
    const w = await licenseWorld(t)
    const customer = await makeCustomer(t, w.tenant, { referenceId: uniqueName('cust') })
    const sub = await makeSubscription(t, { ...w, customer })
    const a = await makeLicense(
      t,
      { ...w, customer },
      { assignedTo: { type: 'SUBSCRIPTION', subscriptionId: sub.subscriptionId } },
    )
    const b = await makeLicense(t, { ...w, customer }, { productOfferingId: BACKUP })
    const c = await makeLicense(t, w, { productOfferingId: PREMIUM, activationDate: '2025-03-01' })
    const ids = async (query: string) =>
      (await t.request(w.tenant, { method: 'GET', url: `/licenses${query}` }))
        .json()
        .items.map((l: { licenseId: string }) => l.licenseId)
    expect(await ids('')).toEqual([a.licenseId, b.licenseId, c.licenseId])
    expect(await ids(`?customerId[]=rid_${customer.referenceId}`)).toEqual([a.licenseId, b.licenseId])
    expect(await ids(`?customerId=${w.customer.customerId}&customerId=rid_nobody`)).toEqual([c.licenseId])
    expect(await ids('?customerId[]=rid_nobody')).toEqual([])
    expect(await ids('?status[]=PENDING')).toEqual([c.licenseId])
    expect(await ids('?status=ACTIVE&type[]=LICENSE_BACKUP')).toEqual([b.licenseId])
    expect(await ids(`?subscriptionId=${sub.subscriptionId}`)).toEqual([a.licenseId])
    expect(await ids(`?subscriptionId=${(await makeSubscription(t, w)).subscriptionId}`)).toEqual([])
    const page1 = (await t.request(w.tenant, { method: 'GET', url: '/licenses?limit=2' })).json()
    expect(page1.items).toHaveLength(2)
    const page2 = (
      await t.request(w.tenant, { method: 'GET', url: `/licenses?limit=2&cursor=${page1.pagination.nextCursor}` })
    ).json()
    expect(page2).toMatchObject({ items: [{ licenseId: c.licenseId }], pagination: { nextCursor: null } })
    const offset = (await t.request(w.tenant, { method: 'GET', url: '/licenses?limit=1&offset=1' })).json()
    expect(offset).toMatchObject({ items: [{ licenseId: b.licenseId }], pagination: { offset: 1, total: 3 } })
    expect((await t.request(w.tenant, { method: 'GET', url: '/licenses?status=GONE' })).statusCode).toBe(400)
    expect(
      (await t.request(stranger.tenant, { method: 'GET', url: `/licenses?customerId=${w.customer.customerId}` })).json()
        .items,
    ).toEqual([])
    await expectUnauthenticated(t, { method: 'GET', url: '/licenses' })
  })
})
