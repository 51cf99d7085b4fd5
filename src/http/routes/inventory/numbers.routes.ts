import { pageRequest } from '../../../domain/shared/paging.js'
import type { NumberPoolService } from '../../../services/inventory/number-pool.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import {
  ImportNumbersBody,
  ImportResult,
  Lease,
  LeaseNumbersBody,
  NumberListQuery,
  NumberPage,
} from './numbers.schemas.js'

const tags = ['inventory']
const same = <T>(value: T) => value

/** A 10 000-row import with metadata outgrows the API's usual 1 MiB body. */
export const IMPORT_BODY_LIMIT = 4 * 1024 * 1024

/** The number pool: operators import and list numbers (admin); shops lease them (write). */
export async function numberRoutes(app: App, { numberPool }: { numberPool: NumberPoolService }): Promise<void> {
  app.post(
    '/inventory/numbers/import',
    {
      config: { scope: 'admin' },
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        operationId: 'importNumbers',
        tags,
        summary: 'Import phone numbers into the pool',
        description:
          'Adds up to 10 000 numbers (body up to 4 MiB), AVAILABLE at once. Numbers the pool already has are skipped and counted. ' +
          'If any row is bad nothing is imported, and every bad row is listed with its path. `openline numbers import` does the same from a CSV or JSON file.',
        body: ImportNumbersBody,
        response: { 200: ImportResult, ...problemResponses(403, 413) },
      },
    },
    (req, reply) => respond(req, reply, 200, same, () => numberPool.importNumbers(req.ctx, req.body.numbers)),
  )

  app.get(
    '/inventory/numbers',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'listNumbers',
        tags,
        summary: 'List the number pool',
        querystring: NumberListQuery,
        response: { 200: NumberPage, ...problemResponses(403) },
      },
    },
    async (req) =>
      numberPool.list(
        req.ctx,
        { ...(req.query.status && { statuses: req.query.status }), ...(req.query.type && { types: req.query.type }) },
        pageRequest(req.query),
      ),
  )

  app.post(
    '/inventory/lease-numbers',
    {
      schema: {
        operationId: 'leaseNumbers',
        tags,
        summary: 'Lease phone numbers',
        description:
          'Reserves `count` AVAILABLE numbers of the given types (lowest grade first) for one hour under one `leaseToken`. ' +
          'Use a number in a SUBSCRIPTION line item with its token; numbers not used by then are released. ' +
          'Too few available: 422 `inventory.numbers_unavailable` with `available`.',
        body: LeaseNumbersBody,
        response: { 201: Lease, ...problemResponses(403, 409, 422) },
      },
    },
    (req, reply) => respond(req, reply, 201, same, () => numberPool.lease(req.ctx, req.body)),
  )
}
