import { Type } from 'typebox'
import { CANCEL_REASONS } from '../../../domain/subscriptions/cancellation.js'
import { PORT_IN_STATUSES } from '../../../domain/porting/port-in.js'
import { SUBSCRIPTION_STATUSES } from '../../../domain/subscriptions/status.js'
import { E164 } from '../../../domain/subscriptions/subscription.js'
import {
  CalendarDate,
  DateTime,
  EntityId,
  FreeObject,
  Metadata,
  Nullable,
  PageOf,
  PageQuery,
} from '../../schemas/common.js'
import { EmbeddedProductOffering } from '../catalog/catalog.schemas.js'
import { Address, EmbeddedCustomer, EmbeddedSubscriber } from '../parties/parties.schemas.js'

export const SubscriptionStatusSchema = Type.Enum(SUBSCRIPTION_STATUSES)
const ReferenceId = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'Your own reference (unique per tenant); find the subscription by `rid_<referenceId>`.',
  examples: ['crm-subscription-12345'],
})

export const Sim = Type.Object(
  {
    esim: Type.Boolean(),
    iccid: Type.Optional(Type.String({ pattern: '^[0-9]{18,22}$' })),
    imei: Type.Optional(Type.String({ pattern: '^[0-9]{14,16}$' })),
  },
  {
    title: 'SubscriptionSim',
    description: 'SIM card information. Sensitive details such as the PUK need the dedicated SIM endpoints.',
  },
)

export const PortInStatusSchema = Type.Enum(PORT_IN_STATUSES)

const PortingSummary = Type.Object(
  {
    msisdn: Type.String({ description: 'The number being ported in (E.164).' }),
    status: PortInStatusSchema,
    direction: Type.Enum(['INBOUND', 'OUTBOUND']),
    scheduledAt: Nullable(CalendarDate({ description: 'The port day once the donor operator agreed one.' })),
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { description: 'The port-in summary; details at /subscriptions/{subscriptionId}/in-porting.' },
)

const PendingStatus = Type.Object({
  status: SubscriptionStatusSchema,
  scheduledAt: CalendarDate({ description: 'The day it takes effect (tenant time zone).' }),
})
const PendingProductOffering = Type.Object({ scheduledAt: CalendarDate(), ...EmbeddedProductOffering.properties })

export const Subscription = Type.Object(
  {
    subscriptionId: Type.String({ format: 'uuid' }),
    status: SubscriptionStatusSchema,
    type: Type.String({
      description: 'The service type, from the plan category (CELL, DATA_SIM, BROADBAND, M2M, TRAVEL_ESIM…).',
    }),
    display: Nullable(Type.String({ description: 'A display name, by default a pretty-print of the msisdn.' })),
    msisdn: Nullable(Type.String({ description: 'The currently active phone number.' })),
    customerId: Type.String({ format: 'uuid' }),
    customer: EmbeddedCustomer,
    productOfferingId: Type.String(),
    productOffering: EmbeddedProductOffering,
    subscriberId: Nullable(Type.String({ format: 'uuid' })),
    subscriber: Nullable(EmbeddedSubscriber),
    sim: Sim,
    extensions: FreeObject({ description: 'Fields of custom subscription types.' }),
    pendingStatus: Nullable(PendingStatus),
    pendingProductOffering: Nullable(PendingProductOffering),
    pendingMsisdn: Nullable(
      Type.Object(
        {
          msisdn: Type.String(),
          scheduledAt: Nullable(
            CalendarDate({ description: 'The day it changes; null while a port-in has no date yet.' }),
          ),
        },
        { description: 'The number to come: while a port-in is live, the number being ported in.' },
      ),
    ),
    porting: Nullable(PortingSummary),
    billingCycle: Nullable(
      Type.Object(
        {
          anchorDate: CalendarDate({ description: 'Renewals fall on this day of the period (clamped to month ends).' }),
          currentPeriodStart: DateTime(),
          nextRenewalAt: DateTime(),
        },
        { description: 'Openline: the billing cycle NEXT_RENEWAL changes wait for.' },
      ),
    ),
    cancellation: Nullable(Type.Object({ reason: Type.String(), comment: Nullable(Type.String()) })),
    activatedAt: Nullable(DateTime()),
    cancelledAt: Nullable(DateTime()),
    createdAt: DateTime(),
    updatedAt: DateTime(),
    referenceId: Nullable(ReferenceId),
    metadata: Metadata,
  },
  { title: 'Subscription' },
)

export const SubscriptionParams = Type.Object({ subscriptionId: EntityId('The subscription.') })

export const SubscriptionListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(
    Type.Array(SubscriptionStatusSchema, { description: 'Only these statuses (repeat, or `status[]`).' }),
  ),
  customerId: Type.Optional(Type.Array(EntityId('A customer.'))),
  subscriberId: Type.Optional(Type.Array(Type.String({ format: 'uuid' }))),
  productOfferingId: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  msisdn: Type.Optional(Type.Array(Type.String({ pattern: E164 }))),
})
export const SubscriptionPage = PageOf(Subscription, 'SubscriptionPage')

export const CreateSubscriptionBody = Type.Object(
  {
    productOfferingId: Type.String({ minLength: 1, examples: ['mobile-plan-basic'] }),
    customerId: EntityId('The customer who holds it.'),
    subscriberId: Type.Optional(
      Type.String({ format: 'uuid', description: 'An existing subscriber of that customer.' }),
    ),
    subscriber: Type.Optional(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 200 }),
          email: Type.Optional(Type.String({ format: 'email' })),
          address: Type.Optional(Address),
          metadata: Type.Optional(Metadata),
        },
        { description: 'Or a new subscriber.' },
      ),
    ),
    msisdn: Type.Optional(
      Type.String({
        pattern: E164,
        examples: ['+15551234567'],
        description:
          'A number of the pool needs its leaseToken; any other number must not be on a line that has not ended. None: the line has no number yet.',
      }),
    ),
    leaseToken: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'The lease holding msisdn, when it is a number of the pool (POST /inventory/lease-numbers).',
      }),
    ),
    display: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    sim: Type.Optional(Sim),
    extensions: Type.Optional(FreeObject({ description: 'Fields of custom subscription types.' })),
    scheduleActivationAt: Type.Optional(
      CalendarDate({
        description:
          'The earliest day to activate; none = now. Until then the subscription is PENDING with pendingStatus.',
      }),
    ),
    referenceId: Type.Optional(ReferenceId),
    metadata: Type.Optional(Metadata),
  },
  { title: 'CreateSubscriptionRequest' },
)

export const StatusChangeBody = Type.Object(
  {
    scheduledAt: Type.Optional(
      CalendarDate({ description: 'The earliest day it may take effect (tenant time zone); none = now.' }),
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    metadata: Type.Optional(Metadata),
  },
  { title: 'StatusChangeRequest' },
)

const ScheduleType = (type: string, description: string) => Type.Object({ type: Type.Literal(type) }, { description })
export const CancelSchedule = Type.Union([
  ScheduleType('CancelNow', 'Openline: at once.'),
  ScheduleType('CancelNextDay', 'At the start of tomorrow (tenant time zone).'),
  ScheduleType('CancelAtBeginningOfNextMonth', 'At the start of the 1st of next month.'),
  Type.Object({
    type: Type.Literal('CancelAtDate'),
    date: CalendarDate({ description: 'The earliest day; today means now, a day already over is a 422.' }),
  }),
])

export const CancelBody = Type.Object(
  {
    schedule: Type.Union([
      CancelSchedule,
      Type.Enum(['CancelNow', 'CancelNextDay', 'CancelAtBeginningOfNextMonth'], {
        description: 'The date-less variants may also be sent as a plain string.',
      }),
    ]),
    reason: Type.Enum(CANCEL_REASONS),
    comment: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1000, description: 'Required when reason is OTHER.' }),
    ),
    metadata: Type.Optional(Metadata),
  },
  { title: 'CancelRequest' },
)

export const ChangeOption = Type.Object(
  {
    productOfferingId: Type.String(),
    productOffering: EmbeddedProductOffering,
    changeSchedule: Type.Enum(['INSTANT', 'NEXT_RENEWAL']),
    changeScheduleDate: CalendarDate({ description: 'The day it would take effect if asked for now.' }),
    direction: Type.Enum(['UPGRADE', 'LATERAL', 'DOWNGRADE'], { description: 'Openline: which way the change goes.' }),
  },
  { title: 'ChangeOption' },
)

export const PlanChangeBody = Type.Object(
  {
    productOfferingId: Type.String({ minLength: 1, examples: ['mobile-plan-plus'] }),
    scheduledAt: Type.Optional(
      CalendarDate({ description: 'The earliest acceptable day; the first allowed instant at or after it is used.' }),
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    metadata: Type.Optional(Metadata),
  },
  { title: 'PlanChangeRequest' },
)

export const TimelineItem = Type.Object(
  {
    at: DateTime({ description: 'When it took, or takes, effect.' }),
    kind: Type.String({ examples: ['activated', 'product_offering_changed', 'cancel'] }),
    state: Type.Enum(['DONE', 'SCHEDULED', 'WITHDRAWN', 'SUPERSEDED', 'FAILED']),
    actor: Type.Object({
      type: Type.String(),
      id: Type.String(),
      label: Type.String(),
      user: Nullable(Type.String({ description: 'Openline: the end user behind the key or token, when known.' })),
    }),
    reason: Nullable(Type.String()),
    details: FreeObject(),
    recordedAt: DateTime({ description: 'When it was asked for or recorded.' }),
    scheduledChangeId: Nullable(Type.String({ format: 'uuid' })),
  },
  { title: 'TimelineItem' },
)
