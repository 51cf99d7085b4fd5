import { Type } from 'typebox'
import type { AdvanceResult, TestClockService, TestClockView } from '../../../services/test-clock.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import { DateTime, DateTimeInput } from '../../schemas/common.js'
import type { App } from '../../types.js'

const TestClock = Type.Object({
  now: DateTime({ description: "The sandbox tenant's current time." }),
  timeZone: Type.String({ examples: ['Europe/Stockholm'] }),
  today: Type.String({ format: 'date', description: "The tenant's current calendar date." }),
  offsetSeconds: Type.Integer({ description: 'How far the test clock runs ahead of real time.' }),
})
const Advanced = Type.Object({
  ...TestClock.properties,
  jobsRun: Type.Integer({
    description: 'Jobs that fell due and ran, in order (scheduled changes, expiries, retries).',
  }),
})
const AdvanceBody = Type.Object({
  to: Type.Optional(
    DateTimeInput({ description: 'Move the clock to this instant.', examples: ['2025-03-01T00:00:00Z'] }),
  ),
  by: Type.Optional(
    Type.String({
      minLength: 2,
      description: "Or move it by an ISO 8601 duration, in the tenant's calendar.",
      examples: ['P1M', 'P7D'],
    }),
  ),
})

/** Sandbox tenants walk through months in seconds: everything due is applied before the call returns. */
export async function testClockRoutes(app: App, { testClock }: { testClock: TestClockService }): Promise<void> {
  app.get(
    '/test-clock',
    {
      schema: {
        operationId: 'getTestClock',
        tags: ['sandbox'],
        summary: "Read the sandbox tenant's test clock",
        response: { 200: TestClock, ...problemResponses(403) },
      },
    },
    async (req) => testClock.get(req.ctx),
  )
  app.post(
    '/test-clock/advance',
    {
      schema: {
        operationId: 'advanceTestClock',
        tags: ['sandbox'],
        summary: 'Advance the test clock',
        description:
          'Forward only. Send `{"to": "2025-03-01T00:00:00Z"}` or `{"by": "P1M"}`. Returns after every change that fell due has been applied, in order. Live tenants get 403.',
        body: AdvanceBody,
        response: { 200: Advanced, ...problemResponses(403, 422) },
      },
    },
    (req, reply) =>
      respond(
        req,
        reply,
        200,
        (r: AdvanceResult) => r,
        () => testClock.advance(req.ctx, req.body),
      ),
  )
}

export type { TestClockView }
