import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestTenant } from '../../helpers/factories.js'
import { uniqueName } from '../../helpers/factories.js'
import { eventsAbout, makeCustomer, makeUser } from '../../helpers/parties.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
let tenant: TestTenant
let stranger: TestTenant

beforeAll(async () => {
  t = await createTestApp()
  tenant = await t.tenant()
  stranger = await t.tenant()
})
afterAll(() => t.close())

const put = (id: string, payload: unknown, who: TestTenant = tenant) =>
  t.request(who, { method: 'PUT', url: `/customers/${id}`, payload: payload as Record<string, unknown> })

async function fullCustomer() {
  const contact = await makeUser(t, tenant, { name: 'Carl Contact' })
  return makeCustomer(t, tenant, {
    customerType: 'BUSINESS',
    name: 'Full AB',
    identity: '556000-0001',
    preferredLocale: 'sv-SE',
    contact: { email: 'full@example.com', msisdn: '+46700000001' },
    billing: {
      method: 'PAPER_INVOICE',
      email: 'bills@example.com',
      currency: 'SEK',
      address: { city: 'Malmö', country: 'SE' },
      autoPay: true,
    },
    contactPersonUserId: contact.userId,
    shipping: { name: 'Dock', address: { city: 'Lund', country: 'SE' } },
    referenceId: uniqueName('full'),
    metadata: { tier: 'gold' },
  })
}

describe('PUT /customers/{customerId}', () => {
  it('changes only the fields sent; contact and billing merge field by field', async () => {
    const before = await fullCustomer()
    t.clock.advance(60_000)
    const res = await put(before.customerId, {
      name: 'Renamed AB',
      contact: { msisdn: '+46700000002' },
      billing: { currency: 'EUR' },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({
      ...before,
      name: 'Renamed AB',
      contact: { email: 'full@example.com', msisdn: '+46700000002' },
      billing: { ...before.billing, currency: 'EUR' },
      updatedAt: new Date(Date.parse(before.updatedAt) + 60_000).toISOString(),
    })
    expect((await t.request(tenant, { method: 'GET', url: `/customers/${before.customerId}` })).json()).toEqual(
      res.json(),
    )
  })

  it('keeps everything with an empty body, and clears optional fields sent as null', async () => {
    const before = await fullCustomer()
    expect((await put(before.customerId, {})).json()).toMatchObject({ ...before, updatedAt: expect.any(String) })
    const res = await put(`rid_${before.referenceId}`, {
      identity: null,
      preferredLocale: null,
      contact: { email: null },
      billing: { email: null, address: null },
      contactPersonUserId: null,
      shipping: null,
      referenceId: null,
    })
    expect(res.statusCode, res.body).toBe(200)
    const after = res.json()
    for (const gone of [
      'identity',
      'preferredLocale',
      'contactPersonUserId',
      'contactPerson',
      'shipping',
      'referenceId',
    ])
      expect(after).not.toHaveProperty(gone)
    expect(after.contact).toEqual({ msisdn: '+46700000001' })
    expect(after.billing).toEqual({ method: 'PAPER_INVOICE', currency: 'SEK', autoPay: true })
    expect(after.metadata).toEqual({ tier: 'gold' })
    expect((await t.request(tenant, { method: 'GET', url: `/customers/rid_${before.referenceId}` })).statusCode).toBe(
      404,
    )
  })

  it('replaces metadata and shipping whole, sets a new contact person and reference, and normalises the billing method', async () => {
    const before = await fullCustomer()
    const dana = await makeUser(t, tenant, { name: 'Dana', referenceId: uniqueName('dana') })
    const referenceId = uniqueName('new-ref')
    const res = await put(before.customerId, {
      metadata: { tier: 'silver' },
      shipping: { name: 'Gate 2', address: { country: 'DK' } },
      contactPersonUserId: `rid_${dana.referenceId}`,
      referenceId,
      billing: { method: 'EMAIL_INVOICE', autoPay: false },
      customerType: 'CONSUMER',
      preferredLocale: 'en-us',
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      customerType: 'CONSUMER',
      preferredLocale: 'en-US',
      metadata: { tier: 'silver' },
      shipping: { name: 'Gate 2', address: { country: 'DK' } },
      contactPersonUserId: dana.userId,
      contactPerson: { userId: dana.userId, name: 'Dana' },
      referenceId,
      billing: { method: 'E_INVOICE', autoPay: false, currency: 'SEK' },
    })
    expect((await t.request(tenant, { method: 'GET', url: `/customers/rid_${referenceId}` })).json().customerId).toBe(
      before.customerId,
    )
  })

  it('emits customer.updated with the full view', async () => {
    const before = await makeCustomer(t, tenant)
    const after = (await put(before.customerId, { name: 'Evented' })).json()
    const events = await eventsAbout(t, tenant, before.customerId)
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.updated'])
    expect(events[1]?.data).toEqual(after)
  })

  it.each([
    ['a bad e-mail', { contact: { email: 'nope' } }, '/body/contact/email'],
    ['a bad msisdn', { contact: { msisdn: '+0123456789' } }, '/body/contact/msisdn'],
    ['a null name', { name: null }, '/body/name'],
    ['a null customer type', { customerType: null }, '/body/customerType'],
    ['a null currency', { billing: { currency: null } }, '/body/billing/currency'],
    ['a bad locale', { preferredLocale: 'sv_SE' }, '/body/preferredLocale'],
    ['a bad country', { shipping: { name: 'x', address: { country: 'se' } } }, '/body/shipping/address/country'],
  ])('answers %s with 400 naming the field, and changes nothing', async (_case, payload, path) => {
    const before = await makeCustomer(t, tenant, { contact: { email: 'keep@example.com' } })
    const res = await put(before.customerId, payload)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    expect((await t.request(tenant, { method: 'GET', url: `/customers/${before.customerId}` })).json()).toEqual(before)
  })

  it('answers an unknown contact person with 422 user.not_found, and a taken reference with 409, changing nothing', async () => {
    const taken = await makeCustomer(t, tenant, { referenceId: uniqueName('taken') })
    const before = await makeCustomer(t, tenant)
    const unknown = await put(before.customerId, { name: 'x', contactPersonUserId: 'rid_nobody' })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json()).toMatchObject({ code: 'user.not_found', errors: [{ path: '/body/contactPersonUserId' }] })
    const conflict = await put(before.customerId, { name: 'x', referenceId: taken.referenceId })
    expect(conflict.statusCode).toBe(409)
    expect(conflict.json().code).toBe('customer.reference_taken')
    expect((await t.request(tenant, { method: 'GET', url: `/customers/${before.customerId}` })).json()).toEqual(before)
    expect((await eventsAbout(t, tenant, before.customerId)).map((e) => e.type)).toEqual(['customer.created'])
  })

  it("answers 404 for an unknown customer and hides another tenant's, by id and reference", async () => {
    expect((await put('rid_nobody', { name: 'x' })).json().code).toBe('customer.not_found')
    const customer = await makeCustomer(t, tenant, { referenceId: uniqueName('mine') })
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'PUT', url: `/customers/${customer.customerId}`, payload: { name: 'stolen' } },
      'customer.not_found',
    )
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'PUT', url: `/customers/rid_${customer.referenceId}`, payload: { name: 'stolen' } },
      'customer.not_found',
    )
    expect((await t.request(tenant, { method: 'GET', url: `/customers/${customer.customerId}` })).json().name).toBe(
      customer.name,
    )
  })

  it('replays an update with the same idempotency key', async () => {
    const customer = await makeCustomer(t, tenant)
    const { first } = await expectReplay(t, tenant, {
      method: 'PUT',
      url: `/customers/${customer.customerId}`,
      payload: { name: 'Replayed' },
    })
    expect(first.name).toBe('Replayed')
    expect(
      (await eventsAbout(t, tenant, customer.customerId)).filter((e) => e.type === 'customer.updated'),
    ).toHaveLength(1)
  })

  it('answers 401 without a valid key, and changes nothing', async () => {
    const customer = await makeCustomer(t, tenant)
    await expectUnauthenticated(t, { method: 'PUT', url: `/customers/${customer.customerId}`, payload: { name: 'x' } })
    expect((await t.request(tenant, { method: 'GET', url: `/customers/${customer.customerId}` })).json().name).toBe(
      customer.name,
    )
  })
})
