import { parseEntityRef } from '../../domain/shared/ids.js'
import type { NumberPoolService } from '../inventory/number-pool.service.js'
import type { SimService } from '../inventory/sim.service.js'
import type { PortInService } from '../porting/port-in.service.js'
import type { LicenseService } from '../licenses/license.service.js'
import type { TopupService } from '../topups/topup.service.js'
import type { OrderInventory, OrderLicenses, OrderPorting, OrderTopups } from './order-ports.js'

/** Orders create and change licenses through the licenses area's transaction-taking methods. */
export function licensePort(licenses: LicenseService): OrderLicenses {
  return {
    async create(tx, ctx, input, path) {
      const view = await licenses.createLicense(tx, ctx, input, path)
      return { licenseId: view.licenseId }
    },
    async find(ex, tenantId, licenseRef) {
      const view = await licenses
        .requireLicense(ex, tenantId, parseEntityRef(licenseRef, 'licenseId', 'body'))
        .catch(() => undefined)
      return view && { customerId: view.customerId, productOfferingId: view.productOfferingId }
    },
    async change(tx, ctx, licenseRef, input) {
      const view = await licenses.changeLicenseOffering(tx, ctx, parseEntityRef(licenseRef, 'licenseId', 'body'), input)
      return { licenseId: view.licenseId }
    },
  }
}

export function topupPort(topups: TopupService): OrderTopups {
  return {
    async apply(tx, ctx, subscriptionRef, input) {
      const view = await topups.applyIn(tx, ctx, parseEntityRef(subscriptionRef, 'subscriptionId', 'body'), input)
      return { topupId: view.topupId, subscriptionId: view.subscriptionId }
    },
  }
}

/** Numbers and SIMs for SUBSCRIPTION line items, from the inventory area. */
export function inventoryPort(numbers: NumberPoolService, sims: SimService): OrderInventory {
  return {
    isPoolNumber: (ex, tenantId, msisdn) => numbers.isPoolNumber(ex, tenantId, msisdn),
    assertLeased: (ex, ctx, msisdn, leaseToken, path) => numbers.assertLeased(ex, ctx, msisdn, leaseToken, path),
    assignLeased: (tx, ctx, input) => numbers.assignLeased(tx, ctx, input),
    assignFromPool: (tx, ctx, input) => numbers.assignFromPool(tx, ctx, input),
    assertSimAvailable: (ex, ctx, iccid, path, esim) => sims.assertAvailable(ex, ctx, iccid, path, esim),
    reserveSim: async (tx, ctx, which, path) => ({ iccid: (await sims.reserveSim(tx, ctx, which, path)).iccid }),
    consumeSim: async (tx, ctx, iccid, subscriptionId) => {
      await sims.consumeSim(tx, ctx, iccid, subscriptionId)
    },
  }
}

/** Port-ins for SUBSCRIPTION line items with porting details, from the porting area. */
export function portingPort(portIns: PortInService): OrderPorting {
  return {
    check: (ex, ctx, input) => portIns.check(ex, ctx, input),
    start: async (tx, ctx, input) => {
      await portIns.start(tx, ctx, input)
    },
  }
}
