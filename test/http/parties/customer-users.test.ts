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

const add = (customerId: string, payload: unknown, who: TestTenant = tenant) =>
  t.request(who, { method: 'POST', url: `/customers/${customerId}/users`, payload: payload as Record<string, unknown> })
const getCustomer = async (id: string) => (await t.request(tenant, { method: 'GET', url: `/customers/${id}` })).json()
const getUser = async (id: string) => (await t.request(tenant, { method: 'GET', url: `/users/${id}` })).json()

describe('POST /customers/{customerId}/users', () => {
  it('grants a user access with a role and answers the customer; the user lists the customer', async () => {
    const customer = await makeCustomer(t, tenant, { referenceId: uniqueName('c') })
    const user = await makeUser(t, tenant, { name: 'Greta', referenceId: uniqueName('u') })
    t.clock.advance(1000)
    const res = await add(`rid_${customer.referenceId}`, { userId: `rid_${user.referenceId}`, role: 'MANAGER' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({
      ...customer,
      users: [{ userId: user.userId, name: 'Greta', role: 'MANAGER' }],
      updatedAt: t.clock.now().toISOString(),
    })
    expect(await getCustomer(customer.customerId)).toEqual(res.json())
    expect((await getUser(user.userId)).customerIds).toEqual([customer.customerId])
  })

  it('changes the role when the user is added again, keeping one entry and the order of users', async () => {
    const first = await makeUser(t, tenant, { name: 'First' })
    const second = await makeUser(t, tenant, { name: 'Second' })
    const customer = await makeCustomer(t, tenant, { users: [first.userId, second.userId] })
    expect((await add(customer.customerId, { userId: first.userId, role: 'MEMBER' })).json().users).toEqual(
      customer.users,
    )
    const promoted = await add(customer.customerId, { userId: first.userId, role: 'ADMIN' })
    expect(promoted.json().users).toEqual([
      { userId: first.userId, name: 'First', role: 'ADMIN' },
      { userId: second.userId, name: 'Second', role: 'MEMBER' },
    ])
    const demoted = await add(customer.customerId, { userId: first.userId, role: 'MANAGER' })
    expect(demoted.json().users.map((u: { role: string }) => u.role)).toEqual(['MANAGER', 'MEMBER'])
  })

  it('emits customer.updated and user.updated, and nothing when the user already has the role', async () => {
    const customer = await makeCustomer(t, tenant)
    const user = await makeUser(t, tenant)
    const granted = (await add(customer.customerId, { userId: user.userId, role: 'MEMBER' })).json()
    await add(customer.customerId, { userId: user.userId, role: 'MEMBER' })
    const customerEvents = await eventsAbout(t, tenant, customer.customerId)
    expect(customerEvents.map((e) => e.type)).toEqual(['customer.created', 'customer.updated'])
    expect(customerEvents[1]?.data).toEqual(granted)
    const userEvents = await eventsAbout(t, tenant, user.userId)
    expect(userEvents.map((e) => e.type)).toEqual(['user.created', 'user.updated'])
    expect(userEvents[1]?.data.customerIds).toEqual([customer.customerId])
  })

  it('lets one user act for several customers', async () => {
    const user = await makeUser(t, tenant)
    const a = await makeCustomer(t, tenant)
    const b = await makeCustomer(t, tenant)
    await add(a.customerId, { userId: user.userId, role: 'ADMIN' })
    await add(b.customerId, { userId: user.userId, role: 'MEMBER' })
    expect((await getUser(user.userId)).customerIds).toEqual([a.customerId, b.customerId])
  })

  it("answers an unknown user, or another tenant's, with 422 user.not_found at /body/userId, and changes nothing", async () => {
    const customer = await makeCustomer(t, tenant)
    const theirs = await makeUser(t, stranger)
    for (const userId of ['rid_nobody', '01a1fba3-0000-7000-8000-000000000003', theirs.userId]) {
      const res = await add(customer.customerId, { userId, role: 'MEMBER' })
      expect(res.statusCode).toBe(422)
      expect(res.json()).toMatchObject({
        code: 'user.not_found',
        errors: [{ path: '/body/userId', message: 'no such user' }],
      })
    }
    expect(await getCustomer(customer.customerId)).toEqual(customer)
  })

  it.each([
    ['no role', { userId: '01a1fba3-0000-7000-8000-000000000003' }, '/body/role'],
    ['an unknown role', { userId: '01a1fba3-0000-7000-8000-000000000003', role: 'OWNER' }, '/body/role'],
    ['no user', { role: 'MEMBER' }, '/body/userId'],
    ['a malformed user id', { userId: 'u-1', role: 'MEMBER' }, '/body/userId'],
  ])('answers %s with 400 naming the field', async (_case, payload, path) => {
    const customer = await makeCustomer(t, tenant)
    const res = await add(customer.customerId, payload)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(await getCustomer(customer.customerId)).toEqual(customer)
  })

  it("hides another tenant's customer, by id and reference", async () => {
    const customer = await makeCustomer(t, tenant, { referenceId: uniqueName('c') })
    const theirUser = await makeUser(t, stranger)
    for (const id of [customer.customerId, `rid_${customer.referenceId}`]) {
      await expectHiddenFrom(
        t,
        stranger,
        { method: 'POST', url: `/customers/${id}/users`, payload: { userId: theirUser.userId, role: 'ADMIN' } },
        'customer.not_found',
      )
    }
    expect(await getCustomer(customer.customerId)).toEqual(customer)
  })

  it('replays with the same idempotency key', async () => {
    const customer = await makeCustomer(t, tenant)
    const user = await makeUser(t, tenant)
    const { first } = await expectReplay(t, tenant, {
      method: 'POST',
      url: `/customers/${customer.customerId}/users`,
      payload: { userId: user.userId, role: 'ADMIN' },
    })
    expect(first.users).toEqual([{ userId: user.userId, name: user.name, role: 'ADMIN' }])
  })

  it('answers 401 without a valid key, and changes nothing', async () => {
    const customer = await makeCustomer(t, tenant)
    const user = await makeUser(t, tenant)
    await expectUnauthenticated(t, {
      method: 'POST',
      url: `/customers/${customer.customerId}/users`,
      payload: { userId: user.userId, role: 'ADMIN' },
    })
    expect((await getCustomer(customer.customerId)).users).toEqual([])
  })
})

describe('DELETE /customers/{customerId}/users/{userId}', () => {
  it("takes a user's access away and answers the customer, emitting customer.updated and user.updated", async () => {
    const keep = await makeUser(t, tenant, { name: 'Keep' })
    const drop = await makeUser(t, tenant, { name: 'Drop', referenceId: uniqueName('drop') })
    const customer = await makeCustomer(t, tenant, { users: [keep.userId, drop.userId] })
    const res = await t.request(tenant, {
      method: 'DELETE',
      url: `/customers/${customer.customerId}/users/rid_${drop.referenceId}`,
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().users).toEqual([{ userId: keep.userId, name: 'Keep', role: 'MEMBER' }])
    expect((await getUser(drop.userId)).customerIds).toEqual([])
    expect((await eventsAbout(t, tenant, customer.customerId)).map((e) => e.type)).toEqual([
      'customer.created',
      'customer.updated',
    ])
    expect((await eventsAbout(t, tenant, drop.userId)).at(-1)).toMatchObject({
      type: 'user.updated',
      data: { customerIds: [] },
    })
  })

  it('answers 404 customer_user.not_found for a user without access or unknown, and 400 for a malformed id', async () => {
    const customer = await makeCustomer(t, tenant)
    const outsider = await makeUser(t, tenant)
    for (const userId of [outsider.userId, 'rid_nobody']) {
      const res = await t.request(tenant, {
        method: 'DELETE',
        url: `/customers/${customer.customerId}/users/${userId}`,
      })
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('customer_user.not_found')
    }
    const bad = await t.request(tenant, { method: 'DELETE', url: `/customers/${customer.customerId}/users/u-1` })
    expect(bad.json()).toMatchObject({ code: 'request.invalid_id', errors: [{ path: '/params/userId' }] })
  })

  it("hides another tenant's customer, replays, and answers 401 without a key", async () => {
    const user = await makeUser(t, tenant)
    const customer = await makeCustomer(t, tenant, { users: [user.userId] })
    const url = `/customers/${customer.customerId}/users/${user.userId}`
    await expectHiddenFrom(t, stranger, { method: 'DELETE', url }, 'customer.not_found')
    await expectUnauthenticated(t, { method: 'DELETE', url })
    expect((await getCustomer(customer.customerId)).users).toHaveLength(1)
    const { first, status } = await expectReplay(t, tenant, { method: 'DELETE', url })
    expect(status).toBe(200)
    expect(first.users).toEqual([])
  })
})
