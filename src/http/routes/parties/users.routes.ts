import { parseEntityRef } from '../../../domain/shared/ids.js'
import { pageRequest } from '../../../domain/shared/paging.js'
import type { UserView } from '../../../services/party-views.js'
import type { UserService } from '../../../services/user.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import { User } from './party.schemas.js'
import { CreateUserBody, UpdateUserBody, UserListQuery, UserPage, UserParams } from './users.schemas.js'

const asIs = (view: UserView) => view
const tags = ['users']

/** Users (Connect API 2.7): people who may act for customers. */
export async function userRoutes(app: App, { users }: { users: UserService }): Promise<void> {
  app.get(
    '/users',
    {
      schema: {
        operationId: 'listUsers',
        tags,
        summary: 'List users',
        description:
          'Oldest first. `customerId` (UUID or `rid_`) lists the users who may act for a customer; `filter` searches names, e-mails, numbers and references.',
        querystring: UserListQuery,
        response: { 200: UserPage, ...problemResponses(403) },
      },
    },
    async (req) =>
      users.list(
        req.ctx.tenant.id,
        { customerId: req.query.customerId, search: req.query.filter },
        pageRequest(req.query),
      ),
  )

  app.post(
    '/users',
    {
      schema: {
        operationId: 'createUser',
        tags,
        summary: 'Create a user',
        description:
          'A `referenceId` another user has is a 409 `user.reference_taken`. Give the user access to customers with `POST /customers/{customerId}/users`. Emits `user.created`.',
        body: CreateUserBody,
        response: { 201: User, ...problemResponses(403, 409) },
      },
    },
    (req, reply) => respond(req, reply, 201, asIs, () => users.create(req.ctx, req.body)),
  )

  app.get(
    '/users/:userId',
    {
      schema: {
        operationId: 'getUser',
        tags,
        summary: 'Get a user',
        params: UserParams,
        response: { 200: User, ...problemResponses(403, 404) },
      },
    },
    async (req) => users.get(req.ctx.tenant.id, parseEntityRef(req.params.userId, 'userId')),
  )

  app.put(
    '/users/:userId',
    {
      schema: {
        operationId: 'updateUser',
        tags,
        summary: 'Update a user',
        description:
          'A partial update: absent fields keep their value, `null` clears an optional one, `metadata` is replaced whole. Emits `user.updated`.',
        params: UserParams,
        body: UpdateUserBody,
        response: { 200: User, ...problemResponses(403, 404, 409) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, asIs, () =>
        users.update(req.ctx, parseEntityRef(req.params.userId, 'userId'), req.body),
      ),
  )
}
