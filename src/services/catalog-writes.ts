import type { Offering, OfferingGroup } from '../domain/catalog/offering.js'
import type { Promotion } from '../domain/catalog/promotion.js'
import { offeringView, productOfferingGroupView, promotionView } from '../domain/catalog/views.js'
import { canonicalJson } from '../domain/idempotency/fingerprint.js'
import type { Executor } from '../persistence/database.js'
import * as catalog from '../persistence/repositories/catalog.repository.js'
import * as promotions from '../persistence/repositories/promotion.repository.js'
import type { RequestContext } from './context.js'
import type { EventService } from './event.service.js'

/**
 * Saving catalog items inside the caller's transaction, shared by the admin API and the importer.
 * A save that changes nothing writes nothing and emits nothing, so re-importing the same file is
 * a no-op; otherwise the row is inserted or replaced and its event emitted with the new snapshot.
 */

export type SaveOutcome = 'created' | 'updated' | 'unchanged'
type Ctx = Pick<RequestContext, 'tenant' | 'actor' | 'requestId' | 'clock'>

/** Equal in everything an operator edits: timestamps and the embedded group do not count. */
function sameState<T extends { createdAt: Date; updatedAt: Date }>(a: T, b: T, omit: string[] = []): boolean {
  const strip = (value: T) => {
    const copy: Record<string, unknown> = JSON.parse(JSON.stringify(value))
    for (const key of ['createdAt', 'updatedAt', ...omit]) delete copy[key]
    return canonicalJson(copy)
  }
  return strip(a) === strip(b)
}

export async function saveGroup(
  tx: Executor,
  events: EventService,
  ctx: Ctx,
  existing: OfferingGroup | undefined,
  next: OfferingGroup,
): Promise<SaveOutcome> {
  if (existing && sameState(existing, next)) return 'unchanged'
  if (existing) await catalog.updateGroup(tx, next)
  else await catalog.insertGroup(tx, next)
  const type = existing ? 'product_offering_group.updated' : 'product_offering_group.created'
  await events.emit(tx, ctx, {
    type,
    resource: { type: 'product_offering_group', id: next.id },
    data: productOfferingGroupView(next),
  })
  return existing ? 'updated' : 'created'
}

/** Archiving (AVAILABLE → ARCHIVED) emits `product_offering.archived`; any other change `…updated`. */
export async function saveOffering(
  tx: Executor,
  events: EventService,
  ctx: Ctx,
  existing: Offering | undefined,
  next: Offering,
): Promise<SaveOutcome> {
  if (existing && sameState(existing, next, ['group'])) return 'unchanged'
  if (existing) await catalog.updateOffering(tx, next)
  else await catalog.insertOffering(tx, next)
  const type = !existing
    ? 'product_offering.created'
    : existing.status !== 'ARCHIVED' && next.status === 'ARCHIVED'
      ? 'product_offering.archived'
      : 'product_offering.updated'
  await events.emit(tx, ctx, { type, resource: { type: 'product_offering', id: next.id }, data: offeringView(next) })
  return existing ? 'updated' : 'created'
}

export async function savePromotion(
  tx: Executor,
  events: EventService,
  ctx: Ctx,
  existing: Promotion | undefined,
  next: Promotion,
): Promise<SaveOutcome> {
  if (existing && sameState(existing, next)) return 'unchanged'
  if (existing) await promotions.updatePromotion(tx, next)
  else await promotions.insertPromotion(tx, next)
  const type = existing ? 'promotion.updated' : 'promotion.created'
  await events.emit(tx, ctx, { type, resource: { type: 'promotion', id: next.code }, data: promotionView(next) })
  return existing ? 'updated' : 'created'
}
