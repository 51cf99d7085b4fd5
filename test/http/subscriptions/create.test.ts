import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '../../../src/services/context.js'
import { offeringBody, seedCatalog, seedDemoCatalog } from '../../helpers/catalog.js'
import { uniqueName } from '../../helpers/factories.js'
import { countOf, eventsAbout, makeCustomer, makeSubscriber } from '../../helpers/parties.js'
import type { World } from '../../helpers/subscriptions.js'
import { act, getSubscription, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/** POST /subscriptions: the tenant setting that turns it off, and every reason a create is refused. */
let t: TestApp
let world: World
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
  world = await subscriptionWorld(t)
  await seedCatalog(t.services, world.tenant, {
    offerings: [
      offeringBody('mobile-plan-old', { productOfferingGroupId: 'mobile-plans', rank: 0, status: 'ARCHIVED' }),
      offeringBody('mobile-plan-soon-old', { productOfferingGroupId: 'mobile-plans', rank: 0 }),
    ],
  })
})
afterAll(() => t.close())

const create = (w: World, body: Record<string, unknown>) =>
  t.request(w.tenant, {
    method: 'POST',
    url: '/subscriptions',
    payload: { productOfferingId: 'mobile-plan-plus', customerId: w.customer.customerId, ...body },
  })

/** Sends a create that must fail with `status`/`code` (and `path`, if given) and create nothing, subscribers included. */
async function expectRefused(w: World, body: Record<string, unknown>, status: number, code: string, path?: string) {
  const before = [await countOf(t, w.tenant, '/subscriptions'), await countOf(t, w.tenant, '/subscribers')]
  const res = await create(w, body)
  expect(res.statusCode, res.body).toBe(status)
  expect(res.json().code).toBe(code)
  if (path) expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
  expect([await countOf(t, w.tenant, '/subscriptions'), await countOf(t, w.tenant, '/subscribers')]).toEqual(before)
}

describe('POST /subscriptions', () => {
  it('creates with every field: customer by rid_, an existing subscriber, SIM, extensions, display, metadata', async () => {
    const reference = uniqueName('crm')
    const customer = await makeCustomer(t, world.tenant, { referenceId: reference })
    const subscriber = await makeSubscriber(t, world.tenant, {
      customerId: customer.customerId,
      name: 'Existing Person',
    })
    const res = await create(world, {
      customerId: `rid_${reference}`,
      subscriberId: subscriber.subscriberId,
      msisdn: '+46701234567',
      display: 'Work phone',
      sim: { esim: true, iccid: '8946000000000000001' },
      extensions: { apn: 'internet' },
      metadata: { crm: 1 },
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({
      status: 'ACTIVATED',
      customerId: customer.customerId,
      subscriberId: subscriber.subscriberId,
      subscriber: { name: 'Existing Person' },
      msisdn: '+46701234567',
      display: 'Work phone',
      sim: { esim: true, iccid: '8946000000000000001' },
      extensions: { apn: 'internet' },
      metadata: { crm: 1 },
      referenceId: null,
    })
    expect((await eventsAbout(t, world.tenant, res.json().subscriptionId)).map((e) => e.type)).toEqual([
      'subscription.created',
      'subscription.subscriber_set',
    ])
  })

  it('creates without a subscriber (no subscriber_set event), and activates at once for a date already begun', async () => {
    const res = await create(world, { scheduleActivationAt: '2025-01-15' })
    expect(res.json()).toMatchObject({
      status: 'ACTIVATED',
      subscriberId: null,
      subscriber: null,
      activatedAt: '2025-01-15T10:00:00.000Z',
      pendingStatus: null,
    })
    expect((await eventsAbout(t, world.tenant, res.json().subscriptionId)).map((e) => e.type)).toEqual([
      'subscription.created',
    ])
  })

  it('refuses direct creation with 422 subscription.direct_creation_disabled where the tenant turned it off', async () => {
    const tenant = await t.tenant({ settings: { allowDirectSubscriptionCreation: false } })
    await seedDemoCatalog(t.services, tenant)
    const closed = { tenant, customer: await makeCustomer(t, tenant) }
    await expectRefused(closed, {}, 422, 'subscription.direct_creation_disabled')
    // Explicitly allowed works as the default does.
    const open = await t.tenant({ settings: { allowDirectSubscriptionCreation: true } })
    await seedDemoCatalog(t.services, open)
    expect((await create({ tenant: open, customer: await makeCustomer(t, open) }, {})).statusCode).toBe(201)
  })

  it.each([
    [
      'an unknown offering',
      { productOfferingId: 'mobile-plan-nope' },
      'product_offering.not_found',
      '/body/productOfferingId',
    ],
    ['an archived offering', { productOfferingId: 'mobile-plan-old' }, 'product_offering.not_orderable', undefined],
    ['an add-on offering', { productOfferingId: 'addon-data-1gb' }, 'subscription.offering_not_a_plan', undefined],
    ['a top-up', { productOfferingId: 'topup-data-2gb' }, 'subscription.offering_not_a_plan', undefined],
    ['a license', { productOfferingId: 'license-security-suite' }, 'subscription.offering_not_a_plan', undefined],
    [
      'an unknown customer',
      { customerId: '01890a5d-ac96-774b-bcce-b302099a8057' },
      'customer.not_found',
      '/body/customerId',
    ],
    ['an unknown customer reference', { customerId: 'rid_nobody' }, 'customer.not_found', '/body/customerId'],
    [
      'an unknown subscriber',
      { subscriberId: '01890a5d-ac96-774b-bcce-b302099a8057', subscriber: undefined },
      'subscriber.not_found',
      '/body/subscriberId',
    ],
  ])('answers %s with 422 and creates nothing', async (_case, body, code, path) => {
    await expectRefused(world, body, 422, code, path)
  })

  it('answers another tenant’s customer or subscriber with 422, as if they did not exist', async () => {
    const stranger = await subscriptionWorld(t)
    const theirs = await makeSubscription(t, stranger)
    await expectRefused(
      world,
      { customerId: stranger.customer.customerId },
      422,
      'customer.not_found',
      '/body/customerId',
    )
    await expectRefused(world, { subscriberId: theirs.subscriberId }, 422, 'subscriber.not_found', '/body/subscriberId')
  })

  it('answers a subscriber of another customer with 422 subscriber.other_customer', async () => {
    const other = await makeCustomer(t, world.tenant)
    const subscriber = await makeSubscriber(t, world.tenant, { customerId: other.customerId })
    await expectRefused(
      world,
      { subscriberId: subscriber.subscriberId },
      422,
      'subscriber.other_customer',
      '/body/subscriberId',
    )
  })

  it('answers a reference already in use with 409 subscription.reference_taken, creating no subscriber either', async () => {
    const referenceId = uniqueName('crm-sub')
    await makeSubscription(t, world, { referenceId })
    await expectRefused(
      world,
      { referenceId, subscriber: { name: 'Would be orphaned' } },
      409,
      'subscription.reference_taken',
    )
  })

  it('keeps a subscription working on a plan archived after it was made', async () => {
    const sub = await makeSubscription(t, world, { productOfferingId: 'mobile-plan-soon-old' })
    await t.services.catalog.archiveOffering(
      systemContext(world.tenant.tenant, t.clock, 'test'),
      'mobile-plan-soon-old',
    )
    expect(await getSubscription(t, world, sub.subscriptionId)).toMatchObject({
      productOfferingId: 'mobile-plan-soon-old',
      productOffering: { productOfferingId: 'mobile-plan-soon-old' },
    })
    expect((await act(t, world, sub.subscriptionId, 'POST', 'pause')).status).toBe('PAUSED')
    await expectRefused(world, { productOfferingId: 'mobile-plan-soon-old' }, 422, 'product_offering.not_orderable')
  })
})
