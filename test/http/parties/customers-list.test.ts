import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestTenant } from '../../helpers/factories.js'
import { makeCustomer, makeUser } from '../../helpers/parties.js'
import { expectUnauthenticated } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
let tenant: TestTenant
let stranger: TestTenant
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
let acme: Json
let bolt: Json
let cleo: Json
let user: Json

beforeAll(async () => {
  t = await createTestApp()
  tenant = await t.tenant()
  stranger = await t.tenant()
  user = await makeUser(t, tenant, { referenceId: 'lister' })
  acme = await makeCustomer(t, tenant, {
    customerType: 'BUSINESS',
    name: 'Acme Widgets AB',
    contact: { email: 'hello@acme.example' },
    referenceId: 'crm-100',
    users: [user.userId],
  })
  bolt = await makeCustomer(t, tenant, {
    customerType: 'BUSINESS',
    name: 'Bolt 100% Ltd',
    billing: { email: 'pay@bolt.example' },
  })
  cleo = await makeCustomer(t, tenant, {
    customerType: 'CONSUMER',
    name: 'Cleo Larsson',
    referenceId: 'crm_200',
    users: [{ userId: user.userId, role: 'MANAGER' }],
  })
  // Another tenant's customers match the same searches and must never show up.
  const theirUser = await makeUser(t, stranger, { referenceId: 'lister' })
  await makeCustomer(t, stranger, {
    customerType: 'BUSINESS',
    name: 'Acme Widgets AB',
    referenceId: 'crm-100',
    users: [theirUser.userId],
  })
})
afterAll(() => t.close())

const names = async (query: string) => {
  const res = await t.request(tenant, { method: 'GET', url: `/customers?${query}` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().items.map((c: { name: string }) => c.name)
}

describe('GET /customers', () => {
  it("lists the tenant's customers oldest first, as full views", async () => {
    const res = await t.request(tenant, { method: 'GET', url: '/customers' })
    expect(res.json()).toEqual({ items: [acme, bolt, cleo], pagination: { limit: 100, nextCursor: null } })
  })

  it('searches case-insensitively in names, e-mails, human-readable ids and references', async () => {
    expect(await names('filter=acme')).toEqual(['Acme Widgets AB'])
    expect(await names('filter=WIDGETS')).toEqual(['Acme Widgets AB'])
    expect(await names('filter=hello%40acme')).toEqual(['Acme Widgets AB'])
    expect(await names('filter=pay@BOLT')).toEqual(['Bolt 100% Ltd'])
    expect(await names('filter=crm-1')).toEqual(['Acme Widgets AB'])
    expect(await names(`filter=${cleo.humanReadableId.toLowerCase()}`)).toEqual(['Cleo Larsson'])
    expect(await names(`filter=${cleo.humanReadableId.replaceAll('-', '')}`)).toEqual(['Cleo Larsson'])
    expect(await names('filter=nobody-by-that-name')).toEqual([])
  })

  it('takes % and _ in the search literally', async () => {
    expect(await names('filter=100%25')).toEqual(['Bolt 100% Ltd'])
    expect(await names('filter=crm_')).toEqual(['Cleo Larsson'])
  })

  it('filters by customer type and by a user who may act for the customer (UUID or rid_)', async () => {
    expect(await names('customerType=CONSUMER')).toEqual(['Cleo Larsson'])
    expect(await names('customerType=BUSINESS&filter=bolt')).toEqual(['Bolt 100% Ltd'])
    expect(await names(`userId=${user.userId}`)).toEqual(['Acme Widgets AB', 'Cleo Larsson'])
    expect(await names('userId=rid_lister&customerType=CONSUMER')).toEqual(['Cleo Larsson'])
    expect(await names('userId=rid_nobody')).toEqual([])
  })

  it('pages by cursor and by offset', async () => {
    const first = (await t.request(tenant, { method: 'GET', url: '/customers?limit=2' })).json()
    expect(first.items.map((c: Json) => c.name)).toEqual(['Acme Widgets AB', 'Bolt 100% Ltd'])
    const second = (
      await t.request(tenant, { method: 'GET', url: `/customers?limit=2&cursor=${first.pagination.nextCursor}` })
    ).json()
    expect(second).toEqual({ items: [cleo], pagination: { limit: 2, nextCursor: null } })
    const offset = (
      await t.request(tenant, { method: 'GET', url: '/customers?limit=1&offset=1&customerType=BUSINESS' })
    ).json()
    expect(offset).toMatchObject({
      items: [{ name: 'Bolt 100% Ltd' }],
      pagination: { limit: 1, offset: 1, total: 2, nextCursor: null },
    })
    const none = (await t.request(tenant, { method: 'GET', url: '/customers?offset=0&userId=rid_nobody' })).json()
    expect(none.pagination).toMatchObject({ offset: 0, total: 0, nextCursor: null })
  })

  it.each([
    ['an unknown customer type', 'customerType=PERSON', '/query/customerType'],
    ['a malformed user id', 'userId=abc', '/query/userId'],
    ['an empty search', 'filter=', '/query/filter'],
    ['a limit over 1000', 'limit=1001', '/query/limit'],
  ])('answers %s with 400 naming the parameter', async (_case, query, path) => {
    const res = await t.request(tenant, { method: 'GET', url: `/customers?${query}` })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
  })

  it('answers 401 without a valid key', async () => {
    await expectUnauthenticated(t, { method: 'GET', url: '/customers' })
  })
})
