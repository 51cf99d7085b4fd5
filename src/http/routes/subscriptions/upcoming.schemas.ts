import { Type } from 'typebox'
import { CalendarDate, DateTime, Nullable } from '../../schemas/common.js'
import { EmbeddedProductOffering } from '../catalog/catalog.schemas.js'

const Money = (description?: string) =>
  Type.Number({ description: description ?? 'Decimal major units of `currency` (as order pricing).' })
const Target = Type.Enum(['SUBSCRIPTION', 'SUBSCRIPTION_ADDON'], {
  description: 'Whether it is about the subscription or one of its add-ons (`subscriptionAddonId`).',
})
const AddonId = Nullable(Type.String({ format: 'uuid' }))

const UpcomingChange = Type.Object(
  {
    scheduledChangeId: Nullable(
      Type.String({
        format: 'uuid',
        description:
          'The scheduled change (as on the timeline); null for one that follows from another: an add-on ending with its subscription or with a plan it does not fit, the expiry a pending activation will set.',
      }),
    ),
    at: DateTime({ description: 'The instant it takes effect.' }),
    scheduledAt: CalendarDate({ description: 'The day it takes effect (tenant time zone).' }),
    target: Target,
    subscriptionAddonId: AddonId,
    kind: Type.String({
      description:
        'Subscription: activate, block, unblock, pause, resume, cancel, change_product_offering, change_msisdn. Add-on: activate, change_product_offering, expire, cancel.',
      examples: ['change_product_offering', 'cancel', 'expire'],
    }),
    status: Nullable(
      Type.String({ description: 'The status it leads to; null for plan, offering and number changes.' }),
    ),
    productOfferingId: Nullable(
      Type.String({
        description: 'The offering after it: the new one of an offering change, the add-on’s own otherwise.',
      }),
    ),
    productOffering: Nullable(EmbeddedProductOffering),
    msisdn: Nullable(Type.String({ description: 'The new number of a change_msisdn.' })),
    reason: Nullable(Type.String()),
  },
  { title: 'UpcomingChange' },
)

const Amounts = { subtotal: Money('Net of the offering’s discount, before tax.'), taxAmount: Money(), total: Money() }

const NextCharge = Type.Object(
  {
    at: DateTime({ description: 'The plan’s next renewal, when it is charged.' }),
    scheduledAt: CalendarDate({ description: 'Its day (tenant time zone).' }),
    currency: Type.String({ examples: ['USD'] }),
    ...Amounts,
    taxIncluded: Type.Boolean(),
    billingCycle: Type.Object({ period: Type.String({ examples: ['MONTHLY'] }), interval: Type.Integer() }),
    items: Type.Array(
      Type.Object({
        target: Target,
        subscriptionAddonId: AddonId,
        productOfferingId: Type.String(),
        name: Type.String(),
        ...Amounts,
      }),
    ),
  },
  {
    description:
      'One period of the recurring price of the plan and of each add-on in force at the renewal, after the changes due by then; null when the subscription ends first or has no renewal.',
  },
)

export const SubscriptionUpcoming = Type.Object(
  {
    subscriptionId: Type.String({ format: 'uuid' }),
    asOf: DateTime({ description: 'Now on the tenant’s clock (a sandbox’s test clock).' }),
    changes: Type.Array(UpcomingChange, { description: 'Every change to come, in the order they will apply.' }),
    productOfferingId: Type.String({ description: 'The plan now.' }),
    productOffering: EmbeddedProductOffering,
    nextRenewalAt: Nullable(
      DateTime({ description: 'The plan’s next renewal; null when the subscription ends first or has no cycle.' }),
    ),
    endsAt: Nullable(DateTime({ description: 'When a pending cancel ends the subscription.' })),
    addons: Type.Array(
      Type.Object({
        subscriptionAddonId: Type.String({ format: 'uuid' }),
        status: Type.Enum(['PENDING', 'ACTIVE']),
        productOfferingId: Type.String(),
        productOffering: EmbeddedProductOffering,
        nextRenewalAt: Nullable(
          DateTime({
            description:
              'Its own cycle’s next renewal (anchored at its activation); null if not recurring or it ends first.',
          }),
        ),
        endsAt: Nullable(DateTime({ description: 'When it is cancelled or expires, if it is.' })),
      }),
      { description: 'The PENDING and ACTIVE add-ons, oldest first.' },
    ),
    nextCharge: Nullable(NextCharge),
  },
  { title: 'SubscriptionUpcoming' },
)
