import type { CatalogService } from '../../../services/catalog.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import {
  CreateProductOfferingBody,
  CreateProductOfferingGroupBody,
  CreatePromotionBody,
  GroupParams,
  OfferingParams,
  ProductOffering,
  ProductOfferingGroup,
  Promotion,
  PromotionParams,
  UpdateProductOfferingBody,
  UpdateProductOfferingGroupBody,
  UpdatePromotionBody,
} from './catalog.schemas.js'

const admin = { scope: 'admin' } as const
const tags = ['catalog']
const same = <T>(view: T): T => view

/** Writing the catalog: the operator's admin API (admin scope). Service views are the wire shape. */
export async function catalogAdminRoutes(app: App, { catalog }: { catalog: CatalogService }): Promise<void> {
  app.post(
    '/product-offering-groups',
    {
      config: admin,
      schema: {
        operationId: 'createProductOfferingGroup',
        tags,
        summary: 'Create a product offering group',
        body: CreateProductOfferingGroupBody,
        response: { 201: ProductOfferingGroup, ...problemResponses(403, 409) },
      },
    },
    (req, reply) => respond(req, reply, 201, same, () => catalog.createGroup(req.ctx, req.body)),
  )

  app.put(
    '/product-offering-groups/:productOfferingGroupId',
    {
      config: admin,
      schema: {
        operationId: 'updateProductOfferingGroup',
        tags,
        summary: 'Update a product offering group',
        description: 'A full update: fields left out take their defaults.',
        params: GroupParams,
        body: UpdateProductOfferingGroupBody,
        response: { 200: ProductOfferingGroup, ...problemResponses(403, 404) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, same, () => catalog.updateGroup(req.ctx, req.params.productOfferingGroupId, req.body)),
  )

  app.post(
    '/product-offerings',
    {
      config: admin,
      schema: {
        operationId: 'createProductOffering',
        tags,
        summary: 'Create a product offering',
        description:
          'The id is yours (`mobile-plan-basic`); an id in use is a 409 `product_offering.already_exists`. A group that does not exist is a 422.',
        body: CreateProductOfferingBody,
        response: { 201: ProductOffering, ...problemResponses(403, 409, 422) },
      },
    },
    (req, reply) => respond(req, reply, 201, same, () => catalog.createOffering(req.ctx, req.body)),
  )

  app.put(
    '/product-offerings/:productOfferingId',
    {
      config: admin,
      schema: {
        operationId: 'updateProductOffering',
        tags,
        summary: 'Update a product offering',
        description:
          'A full update of the editable fields: optional fields left out take their defaults, except `status`, which is kept. ' +
          'The product type cannot change (409 `product_offering.type_immutable`).',
        params: OfferingParams,
        body: UpdateProductOfferingBody,
        response: { 200: ProductOffering, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, same, () => catalog.updateOffering(req.ctx, req.params.productOfferingId, req.body)),
  )

  app.post(
    '/product-offerings/:productOfferingId/archive',
    {
      config: admin,
      schema: {
        operationId: 'archiveProductOffering',
        tags,
        summary: 'Archive a product offering',
        description:
          'It can no longer be ordered and leaves the default list and catalog, but keeps working where it is in use. Archiving again answers the archived offering.',
        params: OfferingParams,
        response: { 200: ProductOffering, ...problemResponses(403, 404) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, same, () => catalog.archiveOffering(req.ctx, req.params.productOfferingId)),
  )

  app.post(
    '/promotions',
    {
      config: admin,
      schema: {
        operationId: 'createPromotion',
        tags,
        summary: 'Create a promotion',
        description: 'Codes are unique per tenant regardless of case and are stored in upper case.',
        body: CreatePromotionBody,
        response: { 201: Promotion, ...problemResponses(403, 409) },
      },
    },
    (req, reply) => respond(req, reply, 201, same, () => catalog.createPromotion(req.ctx, req.body)),
  )

  app.put(
    '/promotions/:code',
    {
      config: admin,
      schema: {
        operationId: 'updatePromotion',
        tags,
        summary: 'Update a promotion',
        description: 'A full update: fields left out take their defaults (archive with `status: ARCHIVED`).',
        params: PromotionParams,
        body: UpdatePromotionBody,
        response: { 200: Promotion, ...problemResponses(403, 404) },
      },
    },
    (req, reply) => respond(req, reply, 200, same, () => catalog.updatePromotion(req.ctx, req.params.code, req.body)),
  )
}
