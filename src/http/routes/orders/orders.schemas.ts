import { Type } from 'typebox'
import { ORDER_STATUSES } from '../../../domain/orders/inputs.js'
import { ExternalPayment, LineItemInput, OrderBilling, OrderShipping } from '../../../domain/orders/inputs.js'
import {
  CalendarDate,
  DateTime,
  DateTimeInput,
  EntityId,
  FreeObject,
  Metadata,
  Nullable,
  PageOf,
  PageQuery,
} from '../../schemas/common.js'

const Requirement = Type.Enum(['NOT_REQUIRED', 'OPTIONAL', 'REQUIRED'])
const Problem = Type.Object({
  message: Type.String(),
  property: Type.String({ description: 'Dotted path, e.g. `subscriber.name`.' }),
})
const Money = (description?: string) => Type.Number({ ...(description && { description }) })

export const Validation = Type.Object(
  {
    isValid: Type.Boolean(),
    missingFields: Type.Array(Type.String(), {
      description: 'What the order still needs, e.g. `customer`, `shipping.address`.',
    }),
    errors: Type.Array(Problem),
    lineItemValidation: Type.Array(
      Type.Object({
        lineItemId: Type.String(),
        isValid: Type.Boolean(),
        missingFields: Type.Array(Type.String()),
        errors: Type.Array(Problem),
      }),
    ),
  },
  { title: 'Validation' },
)

const TaxLine = Type.Object({
  description: Type.String(),
  amount: Money(),
  rate: Type.Number({ description: 'Percent: 8.25 is 8.25 %.' }),
})
const Named = Type.Object({ name: Type.String(), amount: Money() })

export const Pricing = Type.Object(
  {
    subtotal: Money(),
    discounts: Money(),
    taxAmount: Money(),
    fees: Money(),
    total: Money(),
    taxIncluded: Type.Boolean(),
    currency: Type.String(),
    recurringCosts: Nullable(
      Type.Object({
        subtotal: Money(),
        taxAmount: Money(),
        total: Money(),
        taxIncluded: Type.Boolean(),
        billingCycle: Type.Object({ period: Type.String(), interval: Type.Integer() }),
      }),
    ),
    initialInvoice: Type.Object({
      subtotal: Money(),
      taxAmount: Money(),
      total: Money(),
      taxIncluded: Type.Boolean(),
      period: Type.Object({ start: CalendarDate(), end: CalendarDate() }),
    }),
    lineItems: Type.Array(
      Type.Object({
        lineItemId: Type.String(),
        description: Type.String(),
        quantity: Type.Integer(),
        subtotal: Money(),
        total: Money(),
        taxAmount: Money(),
        taxIncluded: Type.Boolean(),
        taxBreakdown: Type.Array(TaxLine),
        fees: Type.Array(Named),
        totalFees: Money(),
        discounts: Type.Array(Named),
        totalDiscounts: Money(),
        recurringAmount: Nullable(Money('What the line costs each period after the first invoice.')),
      }),
    ),
    promoCode: Nullable(Type.String()),
    calculatedAt: DateTime(),
  },
  { title: 'Pricing' },
)

const Party = (id: string) =>
  Nullable(
    Type.Object({
      [id]: Nullable(Type.String({ format: 'uuid' })),
      name: Type.String(),
      new: Type.Boolean({ description: 'Described on the order; created when it is fulfilled.' }),
    }),
  )

const Str = (description?: string) => Nullable(Type.String(description ? { description } : {}))
const CreatedByLineItem = Type.Optional(Type.String({ description: 'The line item that created it.' }))
/** Stored with the order when it is fulfilled: open objects, so a field stored by an older version is never dropped. */
const Created = (title: string, properties: Parameters<typeof Type.Object>[0]) =>
  Type.Object(properties, { title, additionalProperties: true })

export const CreatedEntities = Type.Object(
  {
    customer: Type.Optional(
      Created('CreatedCustomer', { customerId: Type.String(), createdByOrder: Type.Optional(Type.Boolean()) }),
    ),
    subscriptions: Type.Array(
      Created('CreatedSubscription', {
        subscriptionId: Type.String(),
        status: Type.Optional(Str()),
        type: Type.Optional(Str()),
        display: Type.Optional(Str()),
        msisdn: Type.Optional(Str()),
        customerId: Type.Optional(Str()),
        productOfferingId: Type.Optional(Str()),
        subscriberId: Type.Optional(Str()),
        activatedAt: Type.Optional(Str('ISO 8601.')),
        createdAt: Type.Optional(Str('ISO 8601.')),
      }),
    ),
    licenses: Type.Array(Created('CreatedLicense', { licenseId: Type.String(), createdByLineItem: CreatedByLineItem })),
    addons: Type.Array(
      Created('CreatedAddon', {
        subscriptionAddonId: Type.String(),
        subscriptionId: Type.Optional(Str()),
        status: Type.Optional(Str()),
        productOfferingId: Type.Optional(Str()),
        createdByLineItem: CreatedByLineItem,
      }),
    ),
    topups: Type.Array(
      Created('CreatedTopup', {
        topupId: Type.String(),
        subscriptionId: Type.Optional(Str()),
        createdByLineItem: CreatedByLineItem,
      }),
    ),
    changes: Type.Array(
      Created('CreatedChange', {
        type: Type.String({ description: 'SUBSCRIPTION_CHANGE, ADD_ON_CHANGE or LICENSE_CHANGE.' }),
        subscriptionId: Type.Optional(Str()),
        licenseId: Type.Optional(Str()),
        productOfferingId: Type.Optional(Str()),
        scheduledAt: Type.Optional(Str('When a scheduled change applies; null: applied now.')),
        createdByLineItem: CreatedByLineItem,
      }),
    ),
    externalItems: Type.Array(
      Created('CreatedExternalItem', {
        lineItemId: Type.String(),
        type: Type.String({ description: 'EXTERNAL_PRODUCT or EXTERNAL_ITEM.' }),
        productOfferingId: Type.Optional(Str()),
        name: Type.Optional(Str()),
        externalReference: Type.Optional(Str()),
        quantity: Type.Optional(Type.Integer()),
      }),
    ),
  },
  {
    title: 'CreatedEntities',
    additionalProperties: true,
    description: 'What fulfilment created: subscriptions, licenses, add-ons, top-ups, changes, a new customer.',
  },
)

export const OrderFailure = Type.Object(
  {
    lineItemId: Type.Optional(Str('The line item that failed, if one did.')),
    code: Type.Optional(Str('The error code.')),
    message: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), message: Type.String() }, { additionalProperties: true })),
    ),
    failedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  {
    title: 'OrderFailure',
    additionalProperties: true,
    description: 'Why fulfilment failed: the line item, the code and the message.',
  },
)

export const Order = Type.Object(
  {
    orderId: Type.String({ format: 'uuid' }),
    status: Type.Enum(ORDER_STATUSES),
    state: Type.Enum(ORDER_STATUSES, { description: 'The same as status (the webhook examples call it state).' }),
    customerId: Nullable(Type.String({ format: 'uuid' })),
    customer: Party('customerId'),
    userId: Nullable(Type.String({ format: 'uuid' })),
    user: Party('userId'),
    billing: Nullable(OrderBilling),
    shipping: Nullable(OrderShipping),
    promoCode: Nullable(Type.String()),
    consents: Nullable(FreeObject({ description: 'Consents the customer gave, e.g. {"termsOfService": "true"}.' })),
    lineItems: Type.Array(LineItemInput),
    validation: Validation,
    requirements: Type.Object({
      requiresPayment: Requirement,
      requiresPaymentProfile: Requirement,
      requiresSigning: Requirement,
    }),
    pricing: Nullable(Pricing),
    externalPayment: Nullable(ExternalPayment),
    createdEntities: Nullable(CreatedEntities),
    failure: Nullable(OrderFailure),
    expiresAt: DateTime(),
    submittedAt: Nullable(DateTime()),
    completedAt: Nullable(DateTime()),
    cancelledAt: Nullable(DateTime()),
    createdAt: DateTime(),
    updatedAt: DateTime(),
    metadata: Metadata,
  },
  { title: 'Order' },
)

export const OrderSummary = Type.Object(
  {
    orderId: Type.String({ format: 'uuid' }),
    status: Type.Enum(ORDER_STATUSES),
    customerId: Nullable(Type.String({ format: 'uuid' })),
    customer: Party('customerId'),
    pricing: Nullable(Type.Object({ subtotal: Money(), total: Money(), currency: Type.String() })),
    lineItemCount: Type.Integer(),
    validationStatus: Type.Enum(['VALID', 'INVALID']),
    createdAt: DateTime(),
    updatedAt: DateTime(),
    expiresAt: DateTime(),
  },
  { title: 'OrderSummary' },
)

export const OrderParams = Type.Object({ orderId: Type.String({ format: 'uuid' }) })
export const LineItemParams = Type.Object({
  orderId: Type.String({ format: 'uuid' }),
  lineItemId: Type.String({ minLength: 1, maxLength: 100 }),
})

export const OrderListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(Type.Array(Type.Enum(ORDER_STATUSES))),
  state: Type.Optional(Type.Array(Type.Enum(ORDER_STATUSES), { description: 'Same as status.' })),
  customerId: Type.Optional(EntityId('A customer.')),
  userId: Type.Optional(EntityId('A user.')),
  expiresAfter: Type.Optional(DateTimeInput()),
  expiresBefore: Type.Optional(DateTimeInput()),
})
export const OrderPage = PageOf(OrderSummary, 'OrderPage')
