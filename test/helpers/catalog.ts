import type { GroupInput, OfferingInput, PromotionInput } from '../../src/domain/catalog/inputs.js'
import type { Offering } from '../../src/domain/catalog/offering.js'
import { systemContext } from '../../src/services/context.js'
import { DEMO_CATALOG } from '../../src/services/demo.service.js'
import { readCatalogFile } from '../../src/services/catalog-import.js'
import type { Services } from '../../src/container.js'
import type { TestTenant } from './factories.js'

/** Catalog bodies and seeding for tests of the catalog and of the areas built on it. */

export const groupBody = (id: string, overrides: Partial<GroupInput> = {}): GroupInput => ({
  productOfferingGroupId: id,
  name: `Group ${id}`,
  category: 'PRODUCT_CATEGORY_SUBSCRIPTION_CELL',
  ...overrides,
})

/** A monthly USD cell plan; override what the test is about. */
export const offeringBody = (id: string, overrides: Partial<OfferingInput> = {}): OfferingInput => ({
  productOfferingId: id,
  name: `Offering ${id}`,
  product: { type: 'SUBSCRIPTION', category: 'PRODUCT_CATEGORY_SUBSCRIPTION_CELL', features: { dataMb: 5120 } },
  price: {
    grossPrice: 19.99,
    currency: 'USD',
    priceType: 'RECURRING',
    billingCycle: { period: 'MONTHLY', interval: 1 },
  },
  ...overrides,
})

export const promotionBody = (code: string, overrides: Partial<PromotionInput> = {}): PromotionInput => ({
  code,
  name: `Promotion ${code}`,
  discount: { type: 'PERCENT', percent: 10 },
  ...overrides,
})

/** Writes catalog items straight through the service (the HTTP writes are tested on their own). */
export async function seedCatalog(
  services: Services,
  tenant: TestTenant,
  document: { groups?: GroupInput[]; offerings?: OfferingInput[]; promotions?: PromotionInput[] },
): Promise<void> {
  await services.catalog.importCatalog(systemContext(tenant.tenant, services.clock, 'test-seed'), document)
}

/** The demo catalog (`catalog/demo.yaml`): plans, data add-ons, a pass, a top-up, a license, an accessory, WELCOME10. */
export async function seedDemoCatalog(services: Services, tenant: TestTenant): Promise<void> {
  await seedCatalog(services, tenant, readCatalogFile(DEMO_CATALOG))
}

export async function offering(services: Services, tenant: TestTenant, id: string): Promise<Offering> {
  return services.catalog.requireOffering(services.db, tenant.tenant.id, id)
}
