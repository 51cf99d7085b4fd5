import type { Offering } from '../../domain/catalog/offering.js'
import type { Executor } from '../../persistence/database.js'
import type { AddonRow } from '../../persistence/repositories/addon.repository.js'
import * as licenses from '../../persistence/repositories/license.repository.js'
import * as subscriptions from '../../persistence/repositories/subscription.repository.js'
import type { IncludedLicenses } from '../addons/addon-lifecycle.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { LicenseLifecycle } from './license-lifecycle.js'
import { LICENSE_EVENTS } from './license-lifecycle.js'

/**
 * The licenses that come with add-ons: an add-on whose offering includes a license gets one when it
 * activates (of the subscription's customer, assigned to the subscription), and the license ends
 * when the add-on does. Built on the license lifecycle, so these licenses are like any other:
 * they renew, show on the license API and write `license.*` events.
 */
export function includedLicenses(catalog: CatalogService, lifecycle: LicenseLifecycle): IncludedLicenses {
  return {
    async grant(tx: Executor, ctx: RequestContext, addon: AddonRow, offering: Offering): Promise<string | null> {
      if (!offering.includedLicenseOfferingId) return null
      const licenseOffering = await catalog.requireOffering(tx, ctx.tenant.id, offering.includedLicenseOfferingId)
      const subscription = await subscriptions.findSubscription(tx, ctx.tenant.id, {
        kind: 'id',
        id: addon.subscriptionId,
      })
      if (!subscription) return null
      const license = await lifecycle.create(tx, ctx, {
        offering: licenseOffering,
        customerId: subscription.customerId,
        subscriptionId: subscription.id,
        details: { includedWith: { subscriptionAddonId: addon.id, productOfferingId: offering.id } },
      })
      return license.licenseId
    },

    async end(tx: Executor, ctx: RequestContext, licenseId: string, at: Date, reason: string): Promise<void> {
      const row = await licenses.lockLicense(tx, ctx.tenant.id, { kind: 'id', id: licenseId })
      if (!row || row.status === 'CANCELLED') return
      const ended = await lifecycle.applyStatus(tx, ctx, row, 'cancel', at, { reason })
      await lifecycle.publish(tx, ctx, ended, [LICENSE_EVENTS.ended], at)
    },
  }
}
