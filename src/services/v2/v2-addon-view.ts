import type { AuditActor } from '../../domain/addons/addon.js'
import type { V2AddonStatus } from '../../domain/v2/add-on.js'
import { NOT_AVAILABLE, v2Status } from '../../domain/v2/add-on.js'
import type { AddonRecord } from '../addons/addon-records.js'

/** The V2 API's AddOn (seed 003), as the wire shows it: snake_case, Dates for date-times. */
export interface V2AddOn {
  id: string
  legacy_id: number | null
  catalogue_add_on_legacy_id: string | null
  catalogue_add_on_id: string
  creation_date: Date
  creation_system: string
  creation_user: string
  last_updated_date: Date
  status: V2AddonStatus
  activation_date: Date | null
  deactivation_date: Date | null
  deactivation_system: string | null
  deactivation_user: string | null
  provider_product_id: string | null
  provider_service_id: string | null
}

/** The keys the V2 facade keeps its client-sent ids under, in the add-on's external ids. */
export const V2_EXTERNAL_IDS = {
  legacyId: 'legacyId',
  catalogueLegacyId: 'catalogueAddOnLegacyId',
  providerProductId: 'providerProductId',
  providerServiceId: 'providerServiceId',
} as const

const who = (actor: { label: string; user: string | null } | null) => ({
  system: actor?.label ?? NOT_AVAILABLE,
  user: actor?.user ?? NOT_AVAILABLE,
})

/**
 * One add-on in V2 terms (docs/compatibility.md, "V2 add-ons API"). `activation_date` is when it
 * became active, or when it is scheduled to; `deactivation_date` when it ended, or when a pending
 * cancellation or expiry ends it, with who asked for it (`N/A` for an expiry or when not known).
 */
export function toV2AddOn(record: AddonRecord): V2AddOn {
  const { view, externalIds, pending } = record
  const activation = pending.find((c) => c.kind === 'activate')
  const ending = pending
    .filter((c) => c.kind === 'cancel' || c.kind === 'expire')
    .sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime())[0]
  const endedAt = view.cancelledAt ?? view.expiredAt
  const endedBy: AuditActor | null = endedAt
    ? record.endedBy
    : ending?.kind === 'cancel'
      ? { type: ending.actorType, id: ending.actorId, label: ending.actorLabel, user: ending.actorUser }
      : null
  const deactivation = endedAt ?? ending?.effectiveAt ?? null
  const created = who(record.createdBy)
  const ended = who(endedBy)
  const text = (key: string) => (typeof externalIds[key] === 'string' ? (externalIds[key] as string) : null)
  return {
    id: view.subscriptionAddonId,
    legacy_id:
      typeof externalIds[V2_EXTERNAL_IDS.legacyId] === 'number'
        ? (externalIds[V2_EXTERNAL_IDS.legacyId] as number)
        : null,
    catalogue_add_on_legacy_id: text(V2_EXTERNAL_IDS.catalogueLegacyId),
    catalogue_add_on_id: view.productOfferingId,
    creation_date: view.addedAt,
    creation_system: created.system,
    creation_user: created.user,
    last_updated_date: view.updatedAt,
    status: v2Status(view.status, view.activatedAt !== null),
    activation_date: view.activatedAt ?? activation?.effectiveAt ?? null,
    deactivation_date: deactivation,
    deactivation_system: deactivation ? ended.system : null,
    deactivation_user: deactivation ? ended.user : null,
    provider_product_id: text(V2_EXTERNAL_IDS.providerProductId) ?? record.offering.product.networkProviderId,
    provider_service_id: text(V2_EXTERNAL_IDS.providerServiceId) ?? view.provisioning?.providerPackageId ?? null,
  }
}
