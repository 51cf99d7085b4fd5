import { parseEntityRef } from '../../../domain/shared/ids.js'
import { pageRequest } from '../../../domain/shared/paging.js'
import type { CustomerUserService } from '../../../services/customer-user.service.js'
import type { CustomerService } from '../../../services/customer.service.js'
import type { CustomerView } from '../../../services/party-views.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import {
  AddCustomerUserBody,
  CreateCustomerBody,
  CustomerListQuery,
  CustomerPage,
  CustomerParams,
  CustomerUserParams,
  UpdateCustomerBody,
} from './customers.schemas.js'
import { Customer } from './party.schemas.js'

const asIs = (view: CustomerView) => view
const tags = ['customers']

/** Customers (Connect API 2.7): the billable party, and which users may act for it. */
export async function customerRoutes(
  app: App,
  { customers, customerUsers }: { customers: CustomerService; customerUsers: CustomerUserService },
): Promise<void> {
  app.get(
    '/customers',
    {
      schema: {
        operationId: 'listCustomers',
        tags,
        summary: 'List customers',
        description:
          'Oldest first. `filter` searches names, e-mails, human-readable ids and references; `userId` (UUID or `rid_`) lists the customers a user may act for.',
        querystring: CustomerListQuery,
        response: { 200: CustomerPage, ...problemResponses(403) },
      },
    },
    async (req) => {
      const { filter, customerType, userId } = req.query
      return customers.list(req.ctx.tenant.id, { search: filter, customerType, userId }, pageRequest(req.query))
    },
  )

  app.post(
    '/customers',
    {
      schema: {
        operationId: 'createCustomer',
        tags,
        summary: 'Create a customer',
        description:
          'Creates a customer with a generated `humanReadableId`. Users in `users` and the contact person must exist (422 `user.not_found`); ' +
          'a `referenceId` another customer has is a 409 `customer.reference_taken`. Emits `customer.created`.',
        body: CreateCustomerBody,
        response: { 201: Customer, ...problemResponses(403, 409, 422) },
      },
    },
    (req, reply) => respond(req, reply, 201, asIs, () => customers.create(req.ctx, req.body)),
  )

  app.get(
    '/customers/:customerId',
    {
      schema: {
        operationId: 'getCustomer',
        tags,
        summary: 'Get a customer',
        params: CustomerParams,
        response: { 200: Customer, ...problemResponses(403, 404) },
      },
    },
    async (req) => customers.get(req.ctx.tenant.id, parseEntityRef(req.params.customerId, 'customerId')),
  )

  app.put(
    '/customers/:customerId',
    {
      schema: {
        operationId: 'updateCustomer',
        tags,
        summary: 'Update a customer',
        description:
          'A partial update: absent fields keep their value, `null` clears an optional one, `contact` and `billing` merge field by field, ' +
          '`metadata` and `shipping` are replaced whole. Users are managed with `POST /customers/{customerId}/users`. Emits `customer.updated`.',
        params: CustomerParams,
        body: UpdateCustomerBody,
        response: { 200: Customer, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, asIs, () =>
        customers.update(req.ctx, parseEntityRef(req.params.customerId, 'customerId'), req.body),
      ),
  )

  app.post(
    '/customers/:customerId/users',
    {
      schema: {
        operationId: 'addCustomerUser',
        tags,
        summary: 'Add a user to a customer',
        description:
          'Grants the user access with the role, or changes the role of a user who has access already; answers the customer. ' +
          'An unknown user is a 422 `user.not_found`. Emits `customer.updated` and `user.updated` (nothing when the user already has that role).',
        params: CustomerParams,
        body: AddCustomerUserBody,
        response: { 200: Customer, ...problemResponses(403, 404, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, asIs, () =>
        customerUsers.addUser(req.ctx, parseEntityRef(req.params.customerId, 'customerId'), req.body),
      ),
  )

  app.delete(
    '/customers/:customerId/users/:userId',
    {
      schema: {
        operationId: 'removeCustomerUser',
        tags,
        summary: 'Remove a user from a customer',
        description:
          "Takes the user's access away; answers the customer. A user without access is a 404 `customer_user.not_found`. Emits `customer.updated` and `user.updated`.",
        params: CustomerUserParams,
        response: { 200: Customer, ...problemResponses(403, 404) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, asIs, () =>
        customerUsers.removeUser(
          req.ctx,
          parseEntityRef(req.params.customerId, 'customerId'),
          parseEntityRef(req.params.userId, 'userId'),
        ),
      ),
  )
}
