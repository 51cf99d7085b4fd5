import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { Issues, buildGroup, buildOffering, buildPromotion, checkIncludedLicense } from '../domain/catalog/build.js'
import { invalidDocument, parseCatalogDocument } from '../domain/catalog/document.js'
import type { CatalogDocument } from '../domain/catalog/inputs.js'
import type { Offering, OfferingGroup } from '../domain/catalog/offering.js'
import type { Promotion } from '../domain/catalog/promotion.js'
import { normaliseCode } from '../domain/catalog/promotion.js'
import { InvalidInputError } from '../domain/shared/errors.js'
import type { Executor } from '../persistence/database.js'
import * as catalog from '../persistence/repositories/catalog.repository.js'
import * as promotions from '../persistence/repositories/promotion.repository.js'
import { saveGroup, saveOffering, savePromotion } from './catalog-writes.js'
import type { RequestContext } from './context.js'
import type { EventService } from './event.service.js'

/**
 * Reads a catalog file: YAML for `.yaml`/`.yml`, JSON otherwise. Answers the checked document, or
 * throws `catalog.invalid_document` listing every bad field.
 */
export function readCatalogFile(path: string | URL): CatalogDocument {
  const text = readFileSync(path, 'utf8')
  const name = typeof path === 'string' ? path : path.pathname
  const yaml = ['.yaml', '.yml'].includes(extname(name).toLowerCase())
  let parsed: unknown
  try {
    parsed = yaml ? parseYaml(text) : JSON.parse(text)
  } catch (error) {
    throw new InvalidInputError(
      'catalog.unreadable_document',
      `${name} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
      { file: name },
    )
  }
  return parseCatalogDocument(parsed)
}

interface Planned<T> {
  existing: T | undefined
  next: T
}

/**
 * Imports a document inside the caller's transaction. Everything is planned first, against what
 * the tenant has now plus what the document itself defines, and every problem is collected; only
 * a clean plan is written, groups before the offerings that name them.
 */
export async function importDocument(
  tx: Executor,
  events: EventService,
  ctx: RequestContext,
  document: CatalogDocument,
): Promise<{ groups: number; offerings: number; promotions: number }> {
  const tenantId = ctx.tenant.id
  const now = ctx.clock.now()
  const issues = new Issues()

  const groups = new Map<string, Planned<OfferingGroup>>()
  for (const [index, input] of (document.groups ?? []).entries()) {
    const id = input.productOfferingGroupId
    if (groups.has(id)) issues.add(`/groups/${index}/productOfferingGroupId`, `'${id}' appears more than once`)
    const existing = await catalog.findGroup(tx, tenantId, id, { lock: true })
    groups.set(id, { existing, next: buildGroup(input, { tenantId, id, now, existing }) })
  }

  const offerings = new Map<string, Planned<Offering>>()
  for (const [index, input] of (document.offerings ?? []).entries()) {
    const id = input.productOfferingId
    const at = `/offerings/${index}`
    if (offerings.has(id)) issues.add(`${at}/productOfferingId`, `'${id}' appears more than once`)
    const existing = await catalog.findOffering(tx, tenantId, id, { lock: true })
    if (existing && existing.product.type !== input.product.type) {
      issues.add(
        `${at}/product/type`,
        `cannot change from ${existing.product.type} to ${input.product.type}; create a new offering instead`,
      )
    }
    let group: OfferingGroup | null = null
    if (input.productOfferingGroupId) {
      const groupId = input.productOfferingGroupId
      group = groups.get(groupId)?.next ?? (await catalog.findGroup(tx, tenantId, groupId)) ?? null
      if (!group) issues.add(`${at}/productOfferingGroupId`, `no group '${groupId}' in this document or the catalog`)
    }
    offerings.set(id, { existing, next: buildOffering(input, { tenantId, id, now, existing, group }, at, issues) })
  }

  for (const [index, input] of (document.offerings ?? []).entries()) {
    const licenseId = input.includedLicenseOfferingId
    if (!licenseId) continue
    const found = offerings.get(licenseId)?.next ?? (await catalog.findOffering(tx, tenantId, licenseId))
    checkIncludedLicense(licenseId, found, `/offerings/${index}`, issues)
  }

  const promos = new Map<string, Planned<Promotion>>()
  for (const [index, input] of (document.promotions ?? []).entries()) {
    const code = normaliseCode(input.code)
    const at = `/promotions/${index}`
    if (promos.has(code)) issues.add(`${at}/code`, `'${code}' appears more than once (codes ignore case)`)
    const existing = await promotions.findPromotion(tx, tenantId, code, { lock: true })
    promos.set(code, { existing, next: buildPromotion(input, { tenantId, id: code, now, existing }, at, issues) })
  }

  if (issues.list.length > 0) throw invalidDocument(issues.list)
  for (const { existing, next } of groups.values()) await saveGroup(tx, events, ctx, existing, next)
  for (const { existing, next } of offerings.values()) await saveOffering(tx, events, ctx, existing, next)
  for (const { existing, next } of promos.values()) await savePromotion(tx, events, ctx, existing, next)
  return { groups: groups.size, offerings: offerings.size, promotions: promos.size }
}
