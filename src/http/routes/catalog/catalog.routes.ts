import { pageRequest } from '../../../domain/shared/paging.js'
import type { CatalogService } from '../../../services/catalog.service.js'
import { problemResponses } from '../../problem.js'
import type { App } from '../../types.js'
import {
  CatalogQuery,
  GroupListQuery,
  GroupParams,
  OfferingListQuery,
  OfferingParams,
  OfferingQuery,
  ProductCatalog,
  ProductOffering,
  ProductOfferingGroup,
  ProductOfferingGroupPage,
  ProductOfferingPage,
  Promotion,
  PromotionParams,
} from './catalog.schemas.js'

const tags = ['catalog']

/** Reading the catalog (read scope). The admin writes are in catalog-admin.routes.ts. */
export async function catalogRoutes(app: App, { catalog }: { catalog: CatalogService }): Promise<void> {
  app.get(
    '/product-offerings',
    {
      schema: {
        operationId: 'listProductOfferings',
        tags,
        summary: 'List product offerings',
        description:
          'AVAILABLE offerings by default (`status[]` to see archived ones), ordered by group, then rank, then id.',
        querystring: OfferingListQuery,
        response: { 200: ProductOfferingPage, ...problemResponses(403) },
      },
    },
    async (req) => {
      const { types, type, categories, status, productOfferingGroupId, customerType } = req.query
      const allTypes = [...(types ?? []), ...(type ?? [])]
      const filter = {
        status: status?.length ? status : ['AVAILABLE' as const],
        ...(allTypes.length > 0 && { types: allTypes }),
        ...(categories && { categories }),
        ...(productOfferingGroupId && { groupId: productOfferingGroupId }),
        ...(customerType && { customerType }),
      }
      return catalog.offeringPage(req.ctx.tenant.id, filter, pageRequest(req.query))
    },
  )

  app.get(
    '/product-offerings/:productOfferingId',
    {
      schema: {
        operationId: 'getProductOffering',
        tags,
        summary: 'Get a product offering',
        description:
          'Any status, archived included. With `promoCode`, `price` shows the promotion applied (`discount`, `netPrice`) and `promotion` names it; ' +
          'a code that cannot be used is a 422 `promotion.not_applicable` with a `reason`.',
        params: OfferingParams,
        querystring: OfferingQuery,
        response: { 200: ProductOffering, ...problemResponses(403, 404, 422) },
      },
    },
    async (req) => catalog.offeringView(req.ctx, req.params.productOfferingId, req.query.promoCode),
  )

  app.get(
    '/product-catalogs/default',
    {
      schema: {
        operationId: 'getDefaultProductCatalog',
        tags,
        summary: 'Get the default product catalog',
        description:
          'Every AVAILABLE offering and the groups they belong to. `external_reference` and `ProductOfferingGroups` keep the Connect API spelling.',
        querystring: CatalogQuery,
        response: { 200: ProductCatalog, ...problemResponses(403) },
      },
    },
    async (req) => catalog.defaultCatalog(req.ctx, req.query.customerType),
  )

  app.get(
    '/product-offering-groups',
    {
      schema: {
        operationId: 'listProductOfferingGroups',
        tags,
        summary: 'List product offering groups',
        querystring: GroupListQuery,
        response: { 200: ProductOfferingGroupPage, ...problemResponses(403) },
      },
    },
    async (req) => catalog.groupPage(req.ctx.tenant.id, pageRequest(req.query)),
  )

  app.get(
    '/product-offering-groups/:productOfferingGroupId',
    {
      schema: {
        operationId: 'getProductOfferingGroup',
        tags,
        summary: 'Get a product offering group',
        params: GroupParams,
        response: { 200: ProductOfferingGroup, ...problemResponses(403, 404) },
      },
    },
    async (req) => catalog.groupView(req.ctx.tenant.id, req.params.productOfferingGroupId),
  )

  app.get(
    '/promotions/:code',
    {
      schema: {
        operationId: 'getPromotion',
        tags,
        summary: 'Get a promotion',
        description: 'Codes are case-insensitive: `/promotions/welcome10` finds `WELCOME10`.',
        params: PromotionParams,
        response: { 200: Promotion, ...problemResponses(403, 404) },
      },
    },
    async (req) => catalog.promotionView(req.ctx.tenant.id, req.params.code),
  )
}
