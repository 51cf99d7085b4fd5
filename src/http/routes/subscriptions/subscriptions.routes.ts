import { Type } from 'typebox'
import { parseEntityRef } from '../../../domain/shared/ids.js'
import { pageRequest } from '../../../domain/shared/paging.js'
import type { CancelSchedule } from '../../../domain/subscriptions/cancellation.js'
import type { StatusAction } from '../../../domain/subscriptions/status.js'
import type { PlanChangeService } from '../../../services/subscriptions/plan-change.service.js'
import type { SubscriptionView } from '../../../services/subscriptions/subscription-view.js'
import type { SubscriptionService } from '../../../services/subscriptions/subscription.service.js'
import type { UpcomingService } from '../../../services/subscriptions/upcoming.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import {
  CancelBody,
  ChangeOption,
  CreateSubscriptionBody,
  PlanChangeBody,
  StatusChangeBody,
  Subscription,
  SubscriptionListQuery,
  SubscriptionPage,
  SubscriptionParams,
  TimelineItem,
} from './subscriptions.schemas.js'
import { SubscriptionUpcoming } from './upcoming.schemas.js'

const same = (view: SubscriptionView) => view
const tags = ['subscriptions']
const ref = (id: string) => parseEntityRef(id, 'subscriptionId')

const STATUS_ROUTES: { action: Exclude<StatusAction, 'cancel'>; operationId: string; summary: string }[] = [
  {
    action: 'activate',
    operationId: 'activateSubscription',
    summary: 'Activate a PENDING subscription, now or at a date',
  },
  { action: 'block', operationId: 'blockSubscription', summary: 'Block (bar) a subscription, now or at a date' },
  { action: 'unblock', operationId: 'unblockSubscription', summary: 'Unblock a subscription, now or at a date' },
  { action: 'pause', operationId: 'pauseSubscription', summary: 'Pause a subscription, now or at a date' },
  { action: 'resume', operationId: 'resumeSubscription', summary: 'Resume a paused subscription, now or at a date' },
]

export async function subscriptionRoutes(
  app: App,
  {
    subscriptions,
    planChanges,
    upcoming,
  }: { subscriptions: SubscriptionService; planChanges: PlanChangeService; upcoming: UpcomingService },
): Promise<void> {
  app.get(
    '/subscriptions',
    {
      schema: {
        operationId: 'listSubscriptions',
        tags,
        summary: 'List subscriptions',
        querystring: SubscriptionListQuery,
        response: { 200: SubscriptionPage, ...problemResponses(403) },
      },
    },
    async (req) => {
      const q = req.query
      return subscriptions.list(
        req.ctx,
        {
          ...(q.status && { statuses: q.status }),
          ...(q.customerId && { customerIds: q.customerId.map((id) => parseEntityRef(id, 'customerId', 'query')) }),
          ...(q.subscriberId && { subscriberIds: q.subscriberId }),
          ...(q.productOfferingId && { productOfferingIds: q.productOfferingId }),
          ...(q.msisdn && { msisdns: q.msisdn }),
        },
        pageRequest(q),
      )
    },
  )

  app.post(
    '/subscriptions',
    {
      schema: {
        operationId: 'createSubscription',
        tags,
        summary: 'Create a subscription directly',
        description:
          'Subscriptions normally come from orders; tenants may allow direct creation (setting `allowDirectSubscriptionCreation`, on by default). With `scheduleActivationAt` in the future the subscription is PENDING until that day.',
        body: CreateSubscriptionBody,
        response: { 201: Subscription, ...problemResponses(403, 409, 422) },
      },
    },
    (req, reply) => respond(req, reply, 201, same, () => subscriptions.create(req.ctx, req.body)),
  )

  app.get(
    '/subscriptions/:subscriptionId',
    {
      schema: {
        operationId: 'getSubscription',
        tags,
        summary: 'Get a subscription',
        params: SubscriptionParams,
        response: { 200: Subscription, ...problemResponses(403, 404) },
      },
    },
    async (req) => subscriptions.get(req.ctx, ref(req.params.subscriptionId)),
  )

  app.post(
    '/subscriptions/:subscriptionId/cancel',
    {
      schema: {
        operationId: 'cancelSubscription',
        tags,
        summary: 'Cancel a subscription',
        description:
          'Now (CancelNow), tomorrow, on the 1st of next month or from a date. A scheduled cancel shows as pendingStatus and supersedes every change after it; at its instant the subscription ends (`subscription.ended`).',
        params: SubscriptionParams,
        body: CancelBody,
        response: { 200: Subscription, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) => {
      const { schedule, ...rest } = req.body
      const normalised = (typeof schedule === 'string' ? { type: schedule } : schedule) as CancelSchedule
      return respond(req, reply, 200, same, () =>
        subscriptions.cancel(req.ctx, ref(req.params.subscriptionId), { ...rest, schedule: normalised }),
      )
    },
  )

  for (const route of STATUS_ROUTES) {
    app.post(
      `/subscriptions/:subscriptionId/${route.action}`,
      {
        schema: {
          operationId: route.operationId,
          tags,
          summary: route.summary,
          description:
            'Without `scheduledAt` it takes effect now; with it, at the start of that day (tenant time zone) or now if that has passed. An illegal transition is a 409 whose code names the status, e.g. `subscription.is_cancelled`.',
          params: SubscriptionParams,
          body: StatusChangeBody,
          response: { 200: Subscription, ...problemResponses(403, 404, 409, 422) },
        },
      },
      (req, reply) =>
        respond(req, reply, 200, same, () =>
          subscriptions.changeStatus(req.ctx, ref(req.params.subscriptionId), route.action, req.body),
        ),
    )
  }

  app.delete(
    '/subscriptions/:subscriptionId/pending-status',
    {
      schema: {
        operationId: 'withdrawPendingStatus',
        tags,
        summary: 'Withdraw pending status changes',
        description:
          'Withdraws every pending status change (activation, block, pause, resume, cancel). 404 when there is none.',
        params: SubscriptionParams,
        response: { 200: Subscription, ...problemResponses(403, 404) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, same, () =>
        subscriptions.withdrawPending(req.ctx, ref(req.params.subscriptionId), 'status'),
      ),
  )

  app.delete(
    '/subscriptions/:subscriptionId/pending-product-offering',
    {
      schema: {
        operationId: 'withdrawPendingProductOffering',
        tags,
        summary: 'Withdraw the pending plan change',
        params: SubscriptionParams,
        response: { 200: Subscription, ...problemResponses(403, 404) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, same, () =>
        subscriptions.withdrawPending(req.ctx, ref(req.params.subscriptionId), 'productOffering'),
      ),
  )

  app.get(
    '/subscriptions/:subscriptionId/product-offering-options',
    {
      schema: {
        operationId: 'getSubscriptionChangeOptions',
        tags,
        summary: 'Plans this subscription can change to, and when',
        params: SubscriptionParams,
        response: { 200: Type.Object({ items: Type.Array(ChangeOption) }), ...problemResponses(403, 404, 409) },
      },
    },
    async (req) => ({ items: await planChanges.options(req.ctx, ref(req.params.subscriptionId)) }),
  )

  app.put(
    '/subscriptions/:subscriptionId/product-offering-change',
    {
      schema: {
        operationId: 'changeSubscriptionProductOffering',
        tags,
        summary: 'Change the plan',
        description:
          'Upgrades and lateral moves apply now, downgrades at the next renewal (per the target offering’s change policy), never before `scheduledAt`. A scheduled change shows as pendingProductOffering.',
        params: SubscriptionParams,
        body: PlanChangeBody,
        response: { 200: Subscription, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, same, () => planChanges.change(req.ctx, ref(req.params.subscriptionId), req.body)),
  )

  app.get(
    '/subscriptions/:subscriptionId/timeline',
    {
      schema: {
        operationId: 'getSubscriptionTimeline',
        tags,
        summary: 'What happened and what is scheduled',
        description:
          'Every change in effective order, each with its instant, kind, actor and reason; scheduled ones too, and those withdrawn, superseded or failed.',
        params: SubscriptionParams,
        response: { 200: Type.Object({ items: Type.Array(TimelineItem) }), ...problemResponses(403, 404) },
      },
    },
    async (req) => ({ items: await subscriptions.timelineOf(req.ctx, ref(req.params.subscriptionId)) }),
  )

  app.get(
    '/subscriptions/:subscriptionId/upcoming',
    {
      schema: {
        operationId: 'getSubscriptionUpcoming',
        tags,
        summary: 'What is next for the line: pending changes, renewals and the next charge',
        description:
          'Openline: the pending changes of the subscription and its add-ons in the order they will apply, the next renewal of the plan and of each add-on, and what the next renewal will charge once the changes due by then have applied (tenant clock; docs/compatibility.md).',
        params: SubscriptionParams,
        response: { 200: SubscriptionUpcoming, ...problemResponses(403, 404) },
      },
    },
    async (req) => upcoming.of(req.ctx, ref(req.params.subscriptionId)),
  )
}
