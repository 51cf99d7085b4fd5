import { expect } from 'vitest'
import { offeringBody, seedCatalog } from './catalog.js'
import type { TestApp } from './test-app.js'
import type { World } from './subscriptions.js'
import { subscriptionWorld } from './subscriptions.js'

type Json = Record<string, unknown> & { [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/** The demo's monthly `license-security-suite` (rank 1) and, in the same group and category, `license-security-premium` (rank 2). */
export const SUITE = 'license-security-suite'
export const PREMIUM = 'license-security-premium'
/** A LICENSE offering of another category: not a change option of the security licenses. */
export const BACKUP = 'license-cloud-backup'
/** An archived security license. */
export const RETIRED = 'license-security-retired'

const license = (
  id: string,
  rank: number,
  category = 'PRODUCT_CATEGORY_LICENSE_SECURITY',
  overrides: Record<string, unknown> = {},
) =>
  offeringBody(id, {
    name: `License ${id}`,
    productOfferingGroupId: 'licenses',
    rank,
    product: { type: 'LICENSE', category },
    price: {
      grossPrice: 4.99 * rank,
      currency: 'USD',
      priceType: 'RECURRING',
      billingCycle: { period: 'MONTHLY', interval: 1 },
    },
    ...overrides,
  })

/** A subscription world (demo catalog, a customer) plus the extra license offerings above. */
export async function licenseWorld(t: TestApp, options: Parameters<typeof subscriptionWorld>[1] = {}): Promise<World> {
  const world = await subscriptionWorld(t, options)
  await seedCatalog(t.services, world.tenant, {
    offerings: [
      license(PREMIUM, 2),
      license(BACKUP, 1, 'PRODUCT_CATEGORY_LICENSE_BACKUP'),
      license(RETIRED, 3, 'PRODUCT_CATEGORY_LICENSE_SECURITY', { status: 'ARCHIVED' }),
    ],
  })
  return world
}

/** Creates a license through POST /licenses for the world's customer and returns its body. */
export async function makeLicense(t: TestApp, world: World, body: Record<string, unknown> = {}): Promise<Json> {
  const res = await t.request(world.tenant, {
    method: 'POST',
    url: '/licenses',
    payload: { productOfferingId: SUITE, customerId: world.customer.customerId, ...body },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

export async function getLicense(t: TestApp, world: World, id: string): Promise<Json> {
  const res = await t.request(world.tenant, { method: 'GET', url: `/licenses/${id}` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

export async function licenseTimeline(t: TestApp, world: World, id: string): Promise<Json[]> {
  const res = await t.request(world.tenant, { method: 'GET', url: `/licenses/${id}/timeline` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().items
}
