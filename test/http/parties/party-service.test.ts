import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '../../../src/services/context.js'
import { CustomerService } from '../../../src/services/customer.service.js'
import type { TestTenant } from '../../helpers/factories.js'
import { countOf, eventsAbout, makeUser } from '../../helpers/parties.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
let tenant: TestTenant

beforeAll(async () => {
  t = await createTestApp()
  tenant = await t.tenant()
})
afterAll(() => t.close())

const ctx = () => systemContext(tenant.tenant, t.clock, 'test')

/** A random source that replays `script` (indexes into the alphabet), one id (10 draws) per entry. */
const scripted = (script: number[]) => {
  let i = 0
  return () => script[Math.floor(i++ / 10) % script.length] as number
}

describe('the party service, as other areas use it', () => {
  it("creates a customer, user and subscriber inside the caller's transaction: all or nothing", async () => {
    const own = await t.tenant()
    const context = systemContext(own.tenant, t.clock, 'order')
    const failed = t.services.uow.write(context, async (tx) => {
      const user = await t.services.parties.createUser(tx, context, { name: 'Order User' })
      const customer = await t.services.parties.createCustomer(tx, context, {
        customerType: 'CONSUMER',
        name: 'Order Customer',
        users: [{ userId: user.userId, role: 'ADMIN' }],
      })
      await t.services.parties.createSubscriber(tx, context, {
        customerId: customer.customerId,
        name: 'Order Subscriber',
      })
      expect(
        (await t.services.parties.requireCustomer(tx, own.tenant.id, { kind: 'id', id: customer.customerId })).users,
      ).toHaveLength(1)
      throw new Error('the order failed later on')
    })
    await expect(failed).rejects.toThrow('the order failed later on')
    expect(await countOf(t, own, '/customers')).toBe(0)
    expect(await countOf(t, own, '/users')).toBe(0)
    expect(await countOf(t, own, '/subscribers')).toBe(0)
    expect(await countOf(t, own, '/events')).toBe(0)

    const made = await t.services.uow.write(context, async (tx) => {
      const customer = await t.services.parties.createCustomer(tx, context, {
        customerType: 'BUSINESS',
        name: 'Kept AB',
      })
      const subscriber = await t.services.parties.createSubscriber(tx, context, {
        customerId: customer.customerId,
        name: 'Kept',
      })
      return { customer, subscriber }
    })
    expect(t.services.parties.embedCustomer(made.customer)).toEqual({
      customerId: made.customer.customerId,
      name: 'Kept AB',
    })
    expect(
      (await t.services.parties.requireSubscriber(t.services.db, own.tenant.id, made.subscriber.subscriberId)).customer,
    ).toEqual({ customerId: made.customer.customerId, name: 'Kept AB' })
    expect((await eventsAbout(t, own, made.customer.customerId)).map((e) => e.type)).toEqual(['customer.created'])
  })

  it('names bad fields under the path the caller gives', async () => {
    const run = t.services.uow.write(ctx(), (tx) =>
      t.services.parties.createCustomer(
        tx,
        ctx(),
        { customerType: 'CONSUMER', name: 'x', contact: { email: 'bad' }, users: ['rid_nobody'] },
        '/body/customer',
      ),
    )
    await expect(run).rejects.toMatchObject({
      code: 'request.validation_failed',
      fieldErrors: [{ path: '/body/customer/contact/email' }],
    })
    const unknownUser = t.services.uow.write(ctx(), (tx) =>
      t.services.parties.createCustomer(
        tx,
        ctx(),
        { customerType: 'CONSUMER', name: 'x', users: ['rid_nobody'] },
        '/body/customer',
      ),
    )
    await expect(unknownUser).rejects.toMatchObject({
      code: 'user.not_found',
      fieldErrors: [{ path: '/body/customer/users/0' }],
    })
    const badUser = t.services.uow.write(ctx(), (tx) =>
      t.services.parties.createUser(tx, ctx(), { name: 'x', msisdn: '123' }, '/body/user'),
    )
    await expect(badUser).rejects.toMatchObject({ fieldErrors: [{ path: '/body/user/msisdn' }] })
  })

  it('draws another human-readable id when the first is taken in the tenant', async () => {
    const { db, uow, events, customerUsers } = t.services
    const service = new CustomerService(db, uow, events, customerUsers, scripted([0, 0, 1]))
    const first = await service.create(ctx(), { customerType: 'CONSUMER', name: 'First' })
    const second = await service.create(ctx(), { customerType: 'CONSUMER', name: 'Second' })
    expect(first.humanReadableId).toBe('222-2222-222')
    expect(second.humanReadableId).toBe('333-3333-333')
    // Another tenant may hold the same id.
    const other = await t.tenant()
    const theirs = await new CustomerService(db, uow, events, customerUsers, scripted([0])).create(
      systemContext(other.tenant, t.clock, 'test'),
      { customerType: 'CONSUMER', name: 'Theirs' },
    )
    expect(theirs.humanReadableId).toBe('222-2222-222')
  })

  it('gives up with an error after five taken ids in a row, writing nothing', async () => {
    const { db, uow, events, customerUsers } = t.services
    const own = await t.tenant()
    const context = systemContext(own.tenant, t.clock, 'test')
    const stuck = new CustomerService(db, uow, events, customerUsers, scripted([5]))
    await stuck.create(context, { customerType: 'CONSUMER', name: 'Holder' })
    await expect(stuck.create(context, { customerType: 'CONSUMER', name: 'Blocked' })).rejects.toThrow(
      /No free human-readable id/,
    )
    expect(await countOf(t, own, '/customers')).toBe(1)
  })

  it("reads a customer by reference through requireCustomer, and 404s another tenant's", async () => {
    const user = await makeUser(t, tenant)
    const created = await t.services.customers.create(ctx(), {
      customerType: 'CONSUMER',
      name: 'Ref',
      referenceId: 'svc-ref',
      users: [user.userId as string],
    })
    expect(
      await t.services.parties.requireCustomer(t.services.db, tenant.tenant.id, {
        kind: 'reference',
        reference: 'svc-ref',
      }),
    ).toEqual(created)
    const other = await t.tenant()
    await expect(
      t.services.parties.requireCustomer(t.services.db, other.tenant.id, { kind: 'id', id: created.customerId }),
    ).rejects.toMatchObject({ code: 'customer.not_found' })
  })
})
