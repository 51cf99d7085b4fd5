import { parseEntityRef } from '../../domain/shared/ids.js'
import type { LicenseService } from '../licenses/license.service.js'
import type { TopupService } from '../topups/topup.service.js'
import type { OrderLicenses, OrderTopups } from './order-ports.js'

/** Orders create and change licenses through the licenses area's transaction-taking methods. */
export function licensePort(licenses: LicenseService): OrderLicenses {
  return {
    async create(tx, ctx, input, path) {
      const view = await licenses.createLicense(tx, ctx, input as unknown as Parameters<LicenseService['createLicense']>[2], path)
      return { licenseId: view.licenseId }
    },
    async customerOf(ex, tenantId, licenseRef) {
      const view = await licenses.requireLicense(ex, tenantId, parseEntityRef(licenseRef, 'licenseId', 'body')).catch(() => undefined)
      return view?.customerId ?? undefined
    },
    async change(tx, ctx, licenseRef, input) {
      const view = await licenses.changeLicenseOffering(tx, ctx, parseEntityRef(licenseRef, 'licenseId', 'body'), input as unknown as Parameters<LicenseService['changeLicenseOffering']>[3])
      return { licenseId: view.licenseId }
    },
  }
}

export function topupPort(topups: TopupService): OrderTopups {
  return {
    async apply(tx, ctx, subscriptionRef, input) {
      const view = await topups.applyIn(tx, ctx, parseEntityRef(subscriptionRef, 'subscriptionId', 'body'), input)
      return { topupId: view.topupId }
    },
  }
}
