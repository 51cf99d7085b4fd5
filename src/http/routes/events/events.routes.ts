import { Type } from 'typebox'
import { pageRequest } from '../../../domain/shared/paging.js'
import type { EventService } from '../../../services/event.service.js'
import { problemResponses } from '../../problem.js'
import { DateTime, PageOf, PageQuery } from '../../schemas/common.js'
import type { App } from '../../types.js'

export const Event = Type.Object(
  {
    eventId: Type.String({
      format: 'uuid',
      description: 'Stable across deliveries: use it to process each event once.',
    }),
    type: Type.String({
      description: 'Dot-namespaced, e.g. `subscription.updated`.',
      examples: ['subscription.updated'],
    }),
    occurredAt: DateTime({ description: 'When the change took effect.' }),
    resource: Type.Object(
      { type: Type.String({ examples: ['subscription'] }), id: Type.String() },
      { description: 'What the event is about.' },
    ),
    stream: Type.Object(
      { type: Type.String({ examples: ['subscription'] }), id: Type.String() },
      {
        description:
          'The stream the event is numbered in: its resource, or for an add-on, top-up, license or port-in the subscription it belongs to.',
      },
    ),
    sequence: Type.Integer({
      minimum: 1,
      description: 'Counts the events of the stream 1, 2, 3, … without gaps: a receiver can tell what it has missed.',
    }),
    data: Type.Object(
      {},
      { additionalProperties: true, description: 'The full snapshot of the resource at the change, in its API shape.' },
    ),
  },
  { title: 'Event' },
)

const EventQuery = Type.Object({
  ...PageQuery,
  type: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), { description: 'Only these event types (repeat the parameter).' }),
  ),
  resourceType: Type.Optional(Type.String({ minLength: 1, examples: ['subscription'] })),
  resourceId: Type.Optional(Type.String({ minLength: 1 })),
})

/** The outbox, readable: every state change of the tenant, oldest first. */
export async function eventRoutes(app: App, { events }: { events: EventService }): Promise<void> {
  app.get(
    '/events',
    {
      schema: {
        operationId: 'listEvents',
        tags: ['events'],
        summary: 'List events',
        description:
          'Every state change writes an event in its transaction: `{eventId, type, occurredAt, data}` with the full resource snapshot. Oldest first.',
        querystring: EventQuery,
        response: { 200: PageOf(Event), ...problemResponses(403) },
      },
    },
    async (req) => {
      const { type, resourceType, resourceId } = req.query
      return events.list(
        req.ctx.tenant.id,
        { ...(type && { types: type }), ...(resourceType && { resourceType }), ...(resourceId && { resourceId }) },
        pageRequest(req.query),
      )
    },
  )
  app.get(
    '/events/:eventId',
    {
      schema: {
        operationId: 'getEvent',
        tags: ['events'],
        summary: 'Get an event',
        params: Type.Object({ eventId: Type.String({ format: 'uuid' }) }),
        response: { 200: Event, ...problemResponses(403, 404) },
      },
    },
    async (req) => events.get(req.ctx.tenant.id, req.params.eventId),
  )
}
