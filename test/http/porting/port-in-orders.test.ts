import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { orderLineItem } from '../../../src/persistence/schema/orders.js'
import { portIn } from '../../../src/persistence/schema/porting.js'
import { FULFIL_ORDER } from '../../../src/services/orders/order.service.js'
import { stockInventory } from '../../helpers/inventory.js'
import { eventsOfType, orderPortIn, portInItem, portableNumber, usDetails } from '../../helpers/porting.js'
import type { World } from '../../helpers/subscriptions.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const createOrder = (world: World, item: Record<string, unknown>) =>
  t.request(world.tenant, {
    method: 'POST',
    url: '/orders',
    payload: { customer: { customerId: world.customer.customerId }, lineItems: [item] },
  })

/** The validation of an order with this one line item (an incomplete item is accepted, and says what it lacks). */
async function validationOf(world: World, item: Record<string, unknown>) {
  const res = await createOrder(world, item)
  expect(res.statusCode, res.body).toBe(201)
  return res.json().validation.lineItemValidation[0] as { isValid: boolean; missingFields: string[] }
}

/** The errors an order refuses this line item with (a wrong item is refused at once). */
async function refusalOf(world: World, item: Record<string, unknown>) {
  const res = await createOrder(world, item)
  expect(res.statusCode, res.body).toBe(422)
  expect(res.json().code).toBe('order.line_item_invalid')
  return res.json().errors as { path: string; message: string }[]
}

describe('port-in line items', () => {
  it('list the missing porting details as dotted paths, and what is wrong with the rest', async () => {
    const world = await subscriptionWorld(t)
    expect((await validationOf(world, portInItem(portableNumber(), { porting: {} }))).missingFields).toEqual([
      'porting.firstName',
      'porting.lastName',
      'porting.address',
      'porting.accountNumber',
      'porting.passcode',
    ])
    const partial = await validationOf(
      world,
      portInItem(portableNumber(), {
        porting: usDetails({ address: { street1: '1 Main St', city: 'SF', state: 'CA' } }),
      }),
    )
    expect(partial).toEqual({
      lineItemId: 'line-item-1',
      isValid: false,
      missingFields: ['porting.address.zip'],
      errors: [],
    })
    expect(
      (
        await validationOf(
          world,
          portInItem(portableNumber('1234', 'SE'), { porting: { identityNumber: '5560360793' } }),
        )
      ).missingFields,
    ).toEqual(['porting.currentOperator'])
    expect((await validationOf(world, portInItem(portableNumber(), { msisdn: undefined }))).missingFields).toEqual([
      'msisdn',
    ])
    expect(
      await refusalOf(
        world,
        portInItem(portableNumber(), {
          porting: usDetails({ address: { street1: '1 Main St', city: 'SF', state: 'ca', zip: '94105' } }),
        }),
      ),
    ).toEqual([{ path: '/body/lineItems/0/porting/address/state', message: 'must be a two-letter state code (CA)' }])
    expect(
      (
        await refusalOf(
          world,
          portInItem(portableNumber('1234', 'SE'), { porting: { identityNumber: '123', currentOperator: 'Telia' } }),
        )
      ).map((e) => e.path),
    ).toEqual(['/body/lineItems/0/porting/identityNumber'])
    // The mask stands for a stored passcode; a new line item has none to keep.
    expect(
      (await refusalOf(world, portInItem(portableNumber(), { porting: usDetails({ passcode: '****' }) }))).map(
        (e) => e.path,
      ),
    ).toEqual(['/body/lineItems/0/porting/passcode'])
  })

  it('refuse numbers Openline cannot port in: other countries, the tenant’s own pool and lines, a port already under way', async () => {
    const world = await subscriptionWorld(t)
    const stock = await stockInventory(t, world.tenant)
    const at = '/body/lineItems/0/msisdn'
    // The item's details are US ones: on a +46 number they are refused too, field by field; these
    // cases are about the number.
    const errorOn = async (msisdn: string) =>
      (await refusalOf(world, portInItem(msisdn))).filter((e: { path: string }) => e.path === at)
    expect(await errorOn('+447911123456')).toEqual([
      { path: at, message: 'Only US (+1) and SE (+46) numbers can be ported in.' },
    ])
    expect(await errorOn(stock.msisdns[0] as string)).toEqual([
      { path: at, message: expect.stringMatching(/number pool/) },
    ])
    const line = await makeSubscription(t, world, { msisdn: '+15550001111' })
    expect(await errorOn(line.msisdn)).toEqual([{ path: at, message: expect.stringMatching(/already the number/) }])
    const ported = portableNumber()
    const { subscription } = await orderPortIn(t, world, portInItem(ported, { tempNumber: true }))
    expect(await errorOn(ported)).toEqual([{ path: at, message: `${ported} is already being ported in.` }])
    // A pool number on a live line (here the temporary one) is in use, not something to lease.
    expect(stock.msisdns).toContain(subscription.msisdn)
    expect(await errorOn(subscription.msisdn)).toEqual([
      { path: at, message: expect.stringMatching(/already the number/) },
    ])
  })

  it('fail at fulfilment when another order started porting the number since validation', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const ported = portableNumber()
    const orders = []
    for (let i = 0; i < 2; i++) {
      const order = (
        await t.request(world.tenant, {
          method: 'POST',
          url: '/orders',
          payload: {
            customer: { customerId: world.customer.customerId },
            lineItems: [portInItem(ported, { tempNumber: true })],
          },
        })
      ).json()
      expect(
        (await t.request(world.tenant, { method: 'POST', url: `/orders/${order.orderId}/submit` })).statusCode,
      ).toBe(200)
      orders.push(order.orderId)
    }
    await t.worker.drain({ tenantId: world.tenant.tenant.id, kinds: [FULFIL_ORDER] })
    const [first, second] = await Promise.all(
      orders.map(async (id) => (await t.request(world.tenant, { method: 'GET', url: `/orders/${id}` })).json()),
    )
    expect(first.status).toBe('COMPLETED')
    expect(second).toMatchObject({
      status: 'FAILED',
      failure: { lineItemId: 'line-item-1', code: 'porting.number_in_progress' },
    })
    // Rolled back whole: the failed order took no temporary number.
    const subscriptions = (
      await t.request(world.tenant, { method: 'GET', url: `/subscriptions?customerId=${world.customer.customerId}` })
    ).json().items
    expect(subscriptions).toHaveLength(1)
  })

  it('need a porting provider on a live tenant; the setting turns port-in on', async () => {
    const world = await subscriptionWorld(t, { sandbox: false })
    await stockInventory(t, world.tenant)
    const item = portInItem(portableNumber(), { tempNumber: true })
    expect(await refusalOf(world, item)).toEqual([
      {
        path: '/body/lineItems/0/porting',
        message: 'This tenant cannot port numbers in: set the tenant setting portingProvider.',
      },
    ])
    const bad = await t.request(world.tenant, {
      method: 'PATCH',
      url: '/tenant',
      payload: { settings: { portingProvider: { type: 'carrier-x' } } },
    })
    expect(bad.statusCode).toBe(400)
    const set = await t.request(world.tenant, {
      method: 'PATCH',
      url: '/tenant',
      payload: { settings: { portingProvider: { type: 'simulated', completeAfterDays: 2 } } },
    })
    expect(set.statusCode, set.body).toBe(200)
    expect(set.json().settings.portingProvider).toEqual({ type: 'simulated', completeAfterDays: 2 })
    expect((await validationOf(world, item)).isValid).toBe(true)
    const { subscription } = await orderPortIn(t, world, item)
    expect(subscription.porting).toMatchObject({ status: 'PENDING' })
  })

  it('keep the passcode out of every answer, keep it through a masked replacement, and erase it from the order once fulfilled', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const secret = '8642'
    const created = await createOrder(world, portInItem(portableNumber(), { tempNumber: true }))
    expect(created.statusCode, created.body).toBe(201)
    const order = created.json()
    expect(order.lineItems[0].porting.passcode).toBe('****')
    // A shop edits the item it was shown, masked passcode and all: the stored passcode stays.
    const shown = { ...order.lineItems[0], porting: { ...order.lineItems[0].porting, firstName: 'Augusta' } }
    const replaced = await t.request(world.tenant, {
      method: 'PUT',
      url: `/orders/${order.orderId}/line-items/line-item-1`,
      payload: shown,
    })
    expect(replaced.statusCode, replaced.body).toBe(200)
    expect(replaced.json().porting).toMatchObject({ firstName: 'Augusta', passcode: '****' })
    const stored = async () =>
      (await t.services.db.select().from(orderLineItem).where(eq(orderLineItem.orderId, order.orderId)))[0]?.item as {
        porting: Record<string, unknown>
      }
    expect((await stored()).porting.passcode).toBe(secret)
    const read = await t.request(world.tenant, { method: 'GET', url: `/orders/${order.orderId}` })
    expect(read.body).not.toContain(secret)

    expect((await t.request(world.tenant, { method: 'POST', url: `/orders/${order.orderId}/submit` })).statusCode).toBe(
      200,
    )
    await t.worker.drain({ tenantId: world.tenant.tenant.id, kinds: [FULFIL_ORDER] })
    const [port] = await t.services.db.select().from(portIn).where(eq(portIn.tenantId, world.tenant.tenant.id))
    expect(port?.details).toMatchObject({ firstName: 'Augusta', passcode: secret })
    expect((await stored()).porting).not.toHaveProperty('passcode')
    const events = await eventsOfType(t, world, 'order.created', 'order.updated', 'order.completed')
    expect(events.length).toBeGreaterThan(2)
    expect(JSON.stringify(events)).not.toContain(secret)
  })
})
