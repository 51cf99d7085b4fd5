import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isHumanReadableId } from '../../../src/domain/parties/human-readable-id.js'
import type { TestTenant } from '../../helpers/factories.js'
import { uniqueName } from '../../helpers/factories.js'
import { countOf, eventsAbout, makeCustomer, makeUser } from '../../helpers/parties.js'
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

describe('POST /customers', () => {
  it('creates a customer with every field, a human-readable id, its users and contact person', async () => {
    const ann = await makeUser(t, tenant, {
      name: 'Ann Admin',
      email: 'ann@example.com',
      msisdn: '+46701234567',
      referenceId: uniqueName('ann'),
    })
    const bob = await makeUser(t, tenant, { name: 'Bob Member', referenceId: uniqueName('bob') })
    const referenceId = uniqueName('crm-customer')
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/customers',
      payload: {
        customerType: 'BUSINESS',
        name: 'Acme AB',
        identity: '556677-8899',
        preferredLocale: 'SV-se',
        contact: { email: 'info@acme.example', msisdn: '+46812345678' },
        billing: {
          method: 'EMAIL_INVOICE',
          email: 'invoices@acme.example',
          currency: 'SEK',
          autoPay: true,
          address: { street1: 'Storgatan 1', city: 'Stockholm', zip: '11122', country: 'SE', attention: 'Accounts' },
        },
        users: [{ userId: ann.userId, role: 'ADMIN' }, `rid_${bob.referenceId}`],
        contactPersonUserId: `rid_${ann.referenceId}`,
        shipping: {
          name: 'Acme reception',
          msisdn: '+46812345679',
          address: { street1: 'Lagervägen 2', city: 'Solna', country: 'SE' },
          instructions: 'Leave at the desk',
        },
        referenceId,
        metadata: { crmId: 42 },
      },
    })
    expect(res.statusCode, res.body).toBe(201)
    const customer = res.json()
    expect(customer).toEqual({
      customerId: expect.any(String),
      customerType: 'BUSINESS',
      name: 'Acme AB',
      identity: '556677-8899',
      preferredLocale: 'sv-SE',
      humanReadableId: expect.stringMatching(/^[2-9A-HJKMNP-TV-Z]{3}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{3}$/),
      contact: { email: 'info@acme.example', msisdn: '+46812345678' },
      billing: {
        method: 'E_INVOICE',
        email: 'invoices@acme.example',
        currency: 'SEK',
        autoPay: true,
        address: { street1: 'Storgatan 1', city: 'Stockholm', zip: '11122', country: 'SE', attention: 'Accounts' },
      },
      users: [
        { userId: ann.userId, name: 'Ann Admin', role: 'ADMIN' },
        { userId: bob.userId, name: 'Bob Member', role: 'MEMBER' },
      ],
      contactPersonUserId: ann.userId,
      contactPerson: { userId: ann.userId, name: 'Ann Admin', email: 'ann@example.com', msisdn: '+46701234567' },
      shipping: {
        name: 'Acme reception',
        msisdn: '+46812345679',
        address: { street1: 'Lagervägen 2', city: 'Solna', country: 'SE' },
        instructions: 'Leave at the desk',
      },
      referenceId,
      metadata: { crmId: 42 },
      createdAt: '2025-01-15T10:00:00.000Z',
      updatedAt: '2025-01-15T10:00:00.000Z',
    })
    const byId = await t.request(tenant, { method: 'GET', url: `/customers/${customer.customerId}` })
    const byReference = await t.request(tenant, { method: 'GET', url: `/customers/rid_${referenceId}` })
    expect(byId.json()).toEqual(customer)
    expect(byReference.json()).toEqual(customer)
    const annNow = (await t.request(tenant, { method: 'GET', url: `/users/${ann.userId}` })).json()
    expect(annNow.customerIds).toEqual([customer.customerId])
  })

  it('fills defaults for a minimal customer: E_INVOICE, the tenant currency (else USD), no users', async () => {
    const minimal = await makeCustomer(t, tenant, { name: 'Min' })
    expect(minimal).toMatchObject({
      customerType: 'CONSUMER',
      contact: {},
      billing: { method: 'E_INVOICE', currency: 'USD', autoPay: false },
      users: [],
      metadata: {},
    })
    for (const absent of [
      'identity',
      'preferredLocale',
      'contactPersonUserId',
      'contactPerson',
      'shipping',
      'referenceId',
    ])
      expect(minimal).not.toHaveProperty(absent)
    const swedish = await t.tenant({ settings: { currency: 'SEK' } })
    expect((await makeCustomer(t, swedish)).billing.currency).toBe('SEK')
  })

  it('emits customer.created with the full view, and user.updated for each user granted access', async () => {
    const user = await makeUser(t, tenant)
    const customer = await makeCustomer(t, tenant, { users: [user.userId] })
    const [created] = await eventsAbout(t, tenant, customer.customerId)
    expect(created).toMatchObject({
      type: 'customer.created',
      resource: { type: 'customer', id: customer.customerId },
      data: customer,
    })
    const userEvents = await eventsAbout(t, tenant, user.userId)
    expect(userEvents.map((e) => e.type)).toEqual(['user.created', 'user.updated'])
    expect(userEvents[1]?.data.customerIds).toEqual([customer.customerId])
  })

  it.each([
    ['no name', { customerType: 'CONSUMER' }, '/body/name'],
    ['an empty name', { customerType: 'CONSUMER', name: '' }, '/body/name'],
    ['an unknown customer type', { customerType: 'PERSON', name: 'x' }, '/body/customerType'],
    [
      'a bad contact e-mail',
      { customerType: 'CONSUMER', name: 'x', contact: { email: 'not-an-email' } },
      '/body/contact/email',
    ],
    [
      'a number without +',
      { customerType: 'CONSUMER', name: 'x', contact: { msisdn: '46701234567' } },
      '/body/contact/msisdn',
    ],
    [
      'a too short number',
      { customerType: 'CONSUMER', name: 'x', contact: { msisdn: '+4612' } },
      '/body/contact/msisdn',
    ],
    ['a bad billing e-mail', { customerType: 'CONSUMER', name: 'x', billing: { email: 'a@' } }, '/body/billing/email'],
    [
      'an unknown billing method',
      { customerType: 'CONSUMER', name: 'x', billing: { method: 'CHEQUE' } },
      '/body/billing/method',
    ],
    [
      'a lower-case currency',
      { customerType: 'CONSUMER', name: 'x', billing: { currency: 'sek' } },
      '/body/billing/currency',
    ],
    [
      'a three-letter country',
      { customerType: 'CONSUMER', name: 'x', billing: { address: { country: 'SWE' } } },
      '/body/billing/address/country',
    ],
    [
      'a malformed locale',
      { customerType: 'CONSUMER', name: 'x', preferredLocale: 'english' },
      '/body/preferredLocale',
    ],
    [
      'a locale with an extension',
      { customerType: 'CONSUMER', name: 'x', preferredLocale: 'sv-SE-u-ca-buddhist' },
      '/body/preferredLocale',
    ],
    [
      'shipping without an address',
      { customerType: 'CONSUMER', name: 'x', shipping: { name: 'x' } },
      '/body/shipping/address',
    ],
    [
      'a shipping number that is not E.164',
      { customerType: 'CONSUMER', name: 'x', shipping: { name: 'x', msisdn: '070-123', address: {} } },
      '/body/shipping/msisdn',
    ],
    [
      'a reference over 255 characters',
      { customerType: 'CONSUMER', name: 'x', referenceId: 'r'.repeat(256) },
      '/body/referenceId',
    ],
    [
      'an unknown role',
      {
        customerType: 'CONSUMER',
        name: 'x',
        users: [{ userId: '01a1fba3-0000-7000-8000-000000000001', role: 'OWNER' }],
      },
      '/body/users/0',
    ],
    ['a malformed user id', { customerType: 'CONSUMER', name: 'x', users: ['user-1'] }, '/body/users/0'],
    ['metadata that is not an object', { customerType: 'CONSUMER', name: 'x', metadata: 'x' }, '/body/metadata'],
    [
      'a string for autoPay',
      { customerType: 'CONSUMER', name: 'x', billing: { autoPay: 'true' } },
      '/body/billing/autoPay',
    ],
  ])('answers %s with 400 naming the field, and writes nothing', async (_case, payload, path) => {
    const before = await countOf(t, tenant, '/customers')
    const res = await t.request(tenant, { method: 'POST', url: '/customers', payload })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(await countOf(t, tenant, '/customers')).toBe(before)
  })

  it('answers a user listed twice (by id and by reference) with 400 at the second', async () => {
    const user = await makeUser(t, tenant, { referenceId: uniqueName('twice') })
    const before = await countOf(t, tenant, '/customers')
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/customers',
      payload: { customerType: 'CONSUMER', name: 'x', users: [user.userId, { userId: `rid_${user.referenceId}` }] },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors).toEqual([{ path: '/body/users/1/userId', message: 'names a user already in the list' }])
    expect(await countOf(t, tenant, '/customers')).toBe(before)
  })

  it("answers unknown users and contact persons, and another tenant's, with 422 user.not_found naming each, and writes nothing", async () => {
    const theirs = await makeUser(t, stranger)
    const before = await countOf(t, tenant, '/customers')
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/customers',
      payload: {
        customerType: 'CONSUMER',
        name: 'x',
        users: ['rid_nobody', { userId: theirs.userId }],
        contactPersonUserId: '01a1fba3-0000-7000-8000-000000000002',
      },
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('user.not_found')
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['/body/users/0', '/body/users/1/userId'])
    const contact = await t.request(tenant, {
      method: 'POST',
      url: '/customers',
      payload: { customerType: 'CONSUMER', name: 'x', contactPersonUserId: 'rid_nobody' },
    })
    expect(contact.statusCode).toBe(422)
    expect(contact.json().errors).toEqual([{ path: '/body/contactPersonUserId', message: 'no such user' }])
    expect(await countOf(t, tenant, '/customers')).toBe(before)
  })

  it('answers a reference another customer has with 409 customer.reference_taken; another tenant may use it', async () => {
    const referenceId = uniqueName('dup')
    await makeCustomer(t, tenant, { referenceId })
    const before = await countOf(t, tenant, '/customers')
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/customers',
      payload: { customerType: 'CONSUMER', name: 'x', referenceId },
    })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'customer.reference_taken', referenceId })
    expect(await countOf(t, tenant, '/customers')).toBe(before)
    await makeCustomer(t, stranger, { referenceId })
  })

  it('gives every customer a different human-readable id of the documented shape', async () => {
    const own = await t.tenant()
    const ids = await Promise.all(
      Array.from({ length: 30 }, async () => (await makeCustomer(t, own)).humanReadableId as string),
    )
    expect(ids.every(isHumanReadableId)).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('replays a create with the same idempotency key without creating twice', async () => {
    const own = await t.tenant()
    const { first, status } = await expectReplay(t, own, {
      method: 'POST',
      url: '/customers',
      payload: { customerType: 'CONSUMER', name: 'Once' },
    })
    expect(status).toBe(201)
    expect(first.name).toBe('Once')
    expect(await countOf(t, own, '/customers')).toBe(1)
  })

  it('answers 401 without a valid key, and writes nothing', async () => {
    const before = await countOf(t, tenant, '/customers')
    await expectUnauthenticated(t, {
      method: 'POST',
      url: '/customers',
      payload: { customerType: 'CONSUMER', name: 'x' },
    })
    expect(await countOf(t, tenant, '/customers')).toBe(before)
  })

  it('answers 403 for a read-only key', async () => {
    const reader = await t.tenant({ scopes: ['read'] })
    const res = await t.request(reader, {
      method: 'POST',
      url: '/customers',
      payload: { customerType: 'CONSUMER', name: 'x' },
    })
    expect(res.statusCode).toBe(403)
  })
})

describe('GET /customers/{customerId}', () => {
  it('answers 404 for an unknown id or reference, and 400 for a malformed id', async () => {
    for (const id of ['01a1fba3-0000-7000-8000-00000000dead', 'rid_nobody']) {
      const res = await t.request(tenant, { method: 'GET', url: `/customers/${id}` })
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('customer.not_found')
    }
    const bad = await t.request(tenant, { method: 'GET', url: '/customers/not-an-id' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ code: 'request.invalid_id', errors: [{ path: '/params/customerId' }] })
  })

  it("hides another tenant's customer, by id and by reference", async () => {
    const customer = await makeCustomer(t, tenant, { referenceId: uniqueName('hidden') })
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'GET', url: `/customers/${customer.customerId}` },
      'customer.not_found',
    )
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'GET', url: `/customers/rid_${customer.referenceId}` },
      'customer.not_found',
    )
  })

  it('answers 401 without a valid key', async () => {
    const customer = await makeCustomer(t, tenant)
    await expectUnauthenticated(t, { method: 'GET', url: `/customers/${customer.customerId}` })
  })
})
