import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '../../../src/services/context.js'
import { PREMIUM, SUITE, getLicense, licenseWorld } from '../../helpers/licenses.js'
import { countOf, eventsAbout } from '../../helpers/parties.js'
import type { World } from '../../helpers/subscriptions.js'
import { makeSubscription } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
let world: World

beforeAll(async () => {
  t = await createTestApp()
  world = await licenseWorld(t)
})
afterAll(() => t.close())

const ctx = (w: World = world) => systemContext(w.tenant.tenant, t.clock, 'order')

describe('the license service, as orders and add-ons use it', () => {
  it('creates, changes and cancels inside the caller’s transaction: all or nothing', async () => {
    const own = await licenseWorld(t)
    const context = ctx(own)
    const failed = t.services.uow.write(context, async (tx) => {
      const created = await t.services.licenses.createLicense(tx, context, {
        productOfferingId: SUITE,
        customerId: own.customer.customerId,
      })
      const ref = { kind: 'id' as const, id: created.licenseId }
      expect(
        (await t.services.licenses.changeLicenseOffering(tx, context, ref, { productOfferingId: PREMIUM }))
          .productOfferingId,
      ).toBe(PREMIUM)
      expect((await t.services.licenses.cancelLicense(tx, context, ref, {})).status).toBe('CANCELLED')
      throw new Error('the order failed later on')
    })
    await expect(failed).rejects.toThrow('the order failed later on')
    expect(await countOf(t, own.tenant, '/licenses')).toBe(0)
  })

  it('creates where billing manages licenses (orders may), and names fields under the caller’s path', async () => {
    const managed = await licenseWorld(t)
    await t.services.tenants.update(t.services.db, managed.tenant.tenant.id, {
      settings: { licensesManagedByBilling: true },
    })
    const context = systemContext(await t.services.tenants.getById(managed.tenant.tenant.id), t.clock, 'order')
    const view = await t.services.uow.write(context, (tx) =>
      t.services.licenses.createLicense(tx, context, {
        productOfferingId: SUITE,
        customerId: managed.customer.customerId,
      }),
    )
    expect(view.status).toBe('ACTIVE')
    const refused = t.services.uow.write(context, (tx) =>
      t.services.licenses.createLicense(
        tx,
        context,
        { productOfferingId: 'mobile-plan-basic', customerId: managed.customer.customerId },
        '/body/lineItems/2',
      ),
    )
    await expect(refused).rejects.toMatchObject({
      code: 'license.offering_not_a_license',
      fieldErrors: [{ path: '/body/lineItems/2/productOfferingId' }],
    })
  })

  it('reads a license by id or reference with requireLicense, inside a transaction too, and embeds it for add-ons', async () => {
    const sub = await makeSubscription(t, world)
    const created = await t.services.uow.write(ctx(), (tx) =>
      t.services.licenses.createLicense(tx, ctx(), {
        productOfferingId: SUITE,
        customerId: world.customer.customerId,
        referenceId: `svc-${sub.subscriptionId}`,
        assignedTo: { type: 'SUBSCRIPTION', subscriptionId: sub.subscriptionId },
      }),
    )
    const read = await t.services.licenses.requireLicense(t.services.db, world.tenant.tenant.id, {
      kind: 'reference',
      reference: `svc-${sub.subscriptionId}`,
    })
    expect(JSON.parse(JSON.stringify(read))).toEqual(await getLicense(t, world, created.licenseId))
    const inTx = await t.services.uow.write(ctx(), (tx) =>
      t.services.licenses.requireLicense(tx, world.tenant.tenant.id, { kind: 'id', id: created.licenseId }),
    )
    expect(inTx.licenseId).toBe(created.licenseId)
    expect(t.services.licenses.embedLicense(read)).toEqual({
      licenseId: created.licenseId,
      status: 'ACTIVE',
      productOffering: read.productOffering,
      assignedTo: { type: 'SUBSCRIPTION', subscriptionId: sub.subscriptionId, subscriptionDisplay: sub.display },
      type: 'LICENSE_SECURITY',
      customer: read.customer,
      activatedAt: read.activatedAt,
    })
    const stranger = await t.tenant()
    await expect(
      t.services.licenses.requireLicense(t.services.db, stranger.tenant.id, { kind: 'id', id: created.licenseId }),
    ).rejects.toMatchObject({ code: 'license.not_found' })
    expect((await eventsAbout(t, world.tenant, created.licenseId)).map((e) => e.type)).toEqual(['license.created'])
  })
})
