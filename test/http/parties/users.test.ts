import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

describe('POST /users', () => {
  it('creates a user, readable by id and by reference, and emits user.created', async () => {
    const referenceId = uniqueName('crm-user')
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/users',
      payload: {
        name: 'Hanna Holm',
        email: 'hanna@example.com',
        msisdn: '+46701112233',
        identity: '19800101-1234',
        referenceId,
        metadata: { source: 'crm' },
      },
    })
    expect(res.statusCode, res.body).toBe(201)
    const user = res.json()
    expect(user).toEqual({
      userId: expect.any(String),
      name: 'Hanna Holm',
      email: 'hanna@example.com',
      msisdn: '+46701112233',
      identity: '19800101-1234',
      customerIds: [],
      referenceId,
      metadata: { source: 'crm' },
      createdAt: t.clock.now().toISOString(),
      updatedAt: t.clock.now().toISOString(),
    })
    expect((await t.request(tenant, { method: 'GET', url: `/users/${user.userId}` })).json()).toEqual(user)
    expect((await t.request(tenant, { method: 'GET', url: `/users/rid_${referenceId}` })).json()).toEqual(user)
    const [created] = await eventsAbout(t, tenant, user.userId)
    expect(created).toMatchObject({ type: 'user.created', resource: { type: 'user', id: user.userId }, data: user })
  })

  it('needs only a name', async () => {
    const user = await makeUser(t, tenant, { name: 'Solo' })
    expect(user).toMatchObject({ name: 'Solo', customerIds: [], metadata: {} })
    for (const absent of ['email', 'msisdn', 'identity', 'referenceId']) expect(user).not.toHaveProperty(absent)
  })

  it.each([
    ['no name', {}, '/body/name'],
    ['a bad e-mail', { name: 'x', email: 'x@@example.com' }, '/body/email'],
    ['a number for the e-mail', { name: 'x', email: 5 }, '/body/email'],
    ['a bad msisdn', { name: 'x', msisdn: '0701234567' }, '/body/msisdn'],
    ['an empty reference', { name: 'x', referenceId: '' }, '/body/referenceId'],
  ])('answers %s with 400 naming the field, and writes nothing', async (_case, payload, path) => {
    const before = await countOf(t, tenant, '/users')
    const res = await t.request(tenant, { method: 'POST', url: '/users', payload })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(await countOf(t, tenant, '/users')).toBe(before)
  })

  it('answers a taken reference with 409 user.reference_taken, and writes nothing', async () => {
    const referenceId = uniqueName('taken')
    await makeUser(t, tenant, { referenceId })
    const before = await countOf(t, tenant, '/users')
    const res = await t.request(tenant, { method: 'POST', url: '/users', payload: { name: 'x', referenceId } })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'user.reference_taken', referenceId })
    expect(await countOf(t, tenant, '/users')).toBe(before)
    await makeUser(t, stranger, { referenceId })
  })

  it('replays with the same idempotency key, and answers 401 without a key', async () => {
    const own = await t.tenant()
    await expectUnauthenticated(t, { method: 'POST', url: '/users', payload: { name: 'x' } })
    const { status } = await expectReplay(t, own, { method: 'POST', url: '/users', payload: { name: 'Once' } })
    expect(status).toBe(201)
    expect(await countOf(t, own, '/users')).toBe(1)
  })
})

describe('GET /users/{userId}', () => {
  it("answers 404 for unknown ids, 400 for malformed ones, hides another tenant's, and needs a key", async () => {
    expect((await t.request(tenant, { method: 'GET', url: '/users/rid_nobody' })).json().code).toBe('user.not_found')
    expect((await t.request(tenant, { method: 'GET', url: '/users/nope' })).json().code).toBe('request.invalid_id')
    const user = await makeUser(t, tenant, { referenceId: uniqueName('u') })
    await expectHiddenFrom(t, stranger, { method: 'GET', url: `/users/${user.userId}` }, 'user.not_found')
    await expectHiddenFrom(t, stranger, { method: 'GET', url: `/users/rid_${user.referenceId}` }, 'user.not_found')
    await expectUnauthenticated(t, { method: 'GET', url: `/users/${user.userId}` })
  })
})

describe('GET /users', () => {
  it('filters by customer (UUID or rid_) and searches names, e-mails, numbers and references', async () => {
    const own = await t.tenant()
    const ivar = await makeUser(t, own, { name: 'Ivar Ek', email: 'ivar@firm.example', msisdn: '+46709998877' })
    const jon = await makeUser(t, own, { name: 'Jon Ås', referenceId: 'staff-jon' })
    await makeUser(t, own, { name: 'Kim Berg' })
    const customer = await makeCustomer(t, own, { referenceId: 'firm', users: [jon.userId, ivar.userId] })
    const names = async (query: string) => {
      const res = await t.request(own, { method: 'GET', url: `/users?${query}` })
      expect(res.statusCode, res.body).toBe(200)
      return res.json().items.map((u: { name: string }) => u.name)
    }
    expect(await names('')).toEqual(['Ivar Ek', 'Jon Ås', 'Kim Berg'])
    expect(await names(`customerId=${customer.customerId}`)).toEqual(['Ivar Ek', 'Jon Ås'])
    expect(await names('customerId=rid_firm&filter=jon')).toEqual(['Jon Ås'])
    expect(await names('customerId=rid_nobody')).toEqual([])
    expect(await names('filter=FIRM.example')).toEqual(['Ivar Ek'])
    expect(await names('filter=99887')).toEqual(['Ivar Ek'])
    expect(await names('filter=staff-')).toEqual(['Jon Ås'])
    expect(await names('filter=berg')).toEqual(['Kim Berg'])
    const page = (await t.request(own, { method: 'GET', url: '/users?limit=2' })).json()
    expect(page.items).toHaveLength(2)
    const rest = (
      await t.request(own, { method: 'GET', url: `/users?limit=2&cursor=${page.pagination.nextCursor}` })
    ).json()
    expect(rest.items.map((u: { name: string }) => u.name)).toEqual(['Kim Berg'])
    expect((await t.request(own, { method: 'GET', url: '/users?offset=2' })).json().pagination).toMatchObject({
      offset: 2,
      total: 3,
    })
    const theirs = await makeCustomer(t, stranger, { referenceId: 'firm' })
    expect(await names(`customerId=${theirs.customerId}`)).toEqual([])
  })

  it('answers a malformed customer id with 400, and needs a key', async () => {
    const res = await t.request(tenant, { method: 'GET', url: '/users?customerId=firm' })
    expect(res.json()).toMatchObject({ code: 'request.invalid_id', errors: [{ path: '/query/customerId' }] })
    await expectUnauthenticated(t, { method: 'GET', url: '/users' })
  })
})

describe('PUT /users/{userId}', () => {
  it('changes the fields sent, clears those sent as null, and emits user.updated', async () => {
    const user = await makeUser(t, tenant, {
      name: 'Lo',
      email: 'lo@example.com',
      msisdn: '+46701230000',
      identity: 'x',
      metadata: { a: 1 },
    })
    t.clock.advance(1000)
    const res = await t.request(tenant, {
      method: 'PUT',
      url: `/users/${user.userId}`,
      payload: { email: 'lo@new.example', msisdn: null, referenceId: 'lo-ref' },
    })
    expect(res.statusCode, res.body).toBe(200)
    const { msisdn: _gone, ...rest } = user
    expect(res.json()).toEqual({
      ...rest,
      email: 'lo@new.example',
      referenceId: 'lo-ref',
      updatedAt: t.clock.now().toISOString(),
    })
    expect((await t.request(tenant, { method: 'GET', url: '/users/rid_lo-ref' })).json()).toEqual(res.json())
    const events = await eventsAbout(t, tenant, user.userId)
    expect(events.map((e) => e.type)).toEqual(['user.created', 'user.updated'])
    expect(events[1]?.data).toEqual(res.json())
  })

  it("shows the new name in its customers' users", async () => {
    const user = await makeUser(t, tenant, { name: 'Old Name' })
    const customer = await makeCustomer(t, tenant, { users: [user.userId], contactPersonUserId: user.userId })
    await t.request(tenant, { method: 'PUT', url: `/users/${user.userId}`, payload: { name: 'New Name' } })
    const after = (await t.request(tenant, { method: 'GET', url: `/customers/${customer.customerId}` })).json()
    expect(after.users[0].name).toBe('New Name')
    expect(after.contactPerson.name).toBe('New Name')
  })

  it.each([
    ['a bad e-mail', { email: 'x' }, '/body/email'],
    ['a null name', { name: null }, '/body/name'],
    ['a bad msisdn', { msisdn: '+46 70 123' }, '/body/msisdn'],
  ])('answers %s with 400, changing nothing', async (_case, payload, path) => {
    const user = await makeUser(t, tenant)
    const res = await t.request(tenant, { method: 'PUT', url: `/users/${user.userId}`, payload })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    expect((await t.request(tenant, { method: 'GET', url: `/users/${user.userId}` })).json()).toEqual(user)
  })

  it("answers a taken reference with 409, an unknown user with 404, and hides another tenant's", async () => {
    const taken = await makeUser(t, tenant, { referenceId: uniqueName('taken') })
    const user = await makeUser(t, tenant, { referenceId: uniqueName('mine') })
    const conflict = await t.request(tenant, {
      method: 'PUT',
      url: `/users/${user.userId}`,
      payload: { referenceId: taken.referenceId },
    })
    expect(conflict.statusCode).toBe(409)
    expect(conflict.json().code).toBe('user.reference_taken')
    expect(
      (await t.request(tenant, { method: 'PUT', url: '/users/rid_nobody', payload: { name: 'x' } })).json().code,
    ).toBe('user.not_found')
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'PUT', url: `/users/${user.userId}`, payload: { name: 'x' } },
      'user.not_found',
    )
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'PUT', url: `/users/rid_${user.referenceId}`, payload: { name: 'x' } },
      'user.not_found',
    )
    expect((await t.request(tenant, { method: 'GET', url: `/users/${user.userId}` })).json()).toEqual(user)
  })

  it('replays with the same idempotency key, and answers 401 without a key', async () => {
    const user = await makeUser(t, tenant)
    await expectUnauthenticated(t, { method: 'PUT', url: `/users/${user.userId}`, payload: { name: 'x' } })
    const { first } = await expectReplay(t, tenant, {
      method: 'PUT',
      url: `/users/${user.userId}`,
      payload: { name: 'Replayed' },
    })
    expect(first.name).toBe('Replayed')
    expect((await eventsAbout(t, tenant, user.userId)).filter((e) => e.type === 'user.updated')).toHaveLength(1)
  })
})
