import type { Static, TSchema } from 'typebox'
import { Type } from 'typebox'

/**
 * What a client writes into an order: the create/update bodies and the nine line-item types. They
 * live in the domain because the HTTP routes validate against them and the services read them
 * back from storage as the same types.
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Free = (description: string) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description })
const Metadata = Free('Key-value pairs for your own semi-structured data.')
const Id = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 259,
    description: `${description} A UUID, or your reference as \`rid_<reference>\`.`,
  })
const OfferingId = (example: string) =>
  Type.String({ minLength: 1, maxLength: 100, description: 'The product offering.', examples: [example] })
const Day = (description: string) => Type.String({ format: 'date', description, examples: ['2024-02-01'] })
const LineItemId = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  description: 'Unique within the order; yours, or generated.',
  examples: ['line-item-1'],
})

export const ORDER_STATUSES = [
  'PENDING',
  'PENDING_PAYMENT',
  'SUBMITTED',
  'PENDING_APPROVAL',
  'PROCESSING',
  'COMPLETED',
  'CANCELLED',
  'EXPIRED',
  'FAILED',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

export const LINE_ITEM_TYPES = [
  'SUBSCRIPTION',
  'LICENSE',
  'ADD_ON',
  'TOP_UP',
  'EXTERNAL_PRODUCT',
  'EXTERNAL_ITEM',
  'SUBSCRIPTION_CHANGE',
  'LICENSE_CHANGE',
  'ADD_ON_CHANGE',
] as const
export type LineItemType = (typeof LINE_ITEM_TYPES)[number]

export const Address = Type.Object(
  {
    street1: Type.Optional(Type.String({ maxLength: 200 })),
    street2: Type.Optional(Type.String({ maxLength: 200 })),
    city: Type.Optional(Type.String({ maxLength: 100 })),
    zip: Type.Optional(Type.String({ maxLength: 20 })),
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', examples: ['US'] })),
    state: Type.Optional(Type.String({ maxLength: 50 })),
    region: Type.Optional(Type.String({ maxLength: 100 })),
    attention: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { title: 'OrderAddress' },
)

const SubscriptionLine = Type.Object(
  {
    type: Type.Literal('SUBSCRIPTION'),
    lineItemId: Type.Optional(LineItemId),
    productOfferingId: OfferingId('mobile-plan-basic'),
    msisdn: Type.Optional(
      Type.String({
        pattern: '^\\+[1-9][0-9]{7,14}$',
        description:
          'Empty: one is assigned. From the number pool: with its leaseToken. When porting: the number to port in.',
        examples: ['+15551234567'],
      }),
    ),
    leaseToken: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'From POST /inventory/lease-numbers; required with a number from the pool.',
      }),
    ),
    tempNumber: Type.Optional(
      Type.Boolean({
        description: 'Use a temporary number, active at once, until the port-in completes. Only with porting.',
      }),
    ),
    porting: Type.Optional(
      Free('Details needed to port in `msisdn` (they vary by country; see /subscriptions/{id}/in-porting).'),
    ),
    extensions: Type.Optional(Free('Fields of custom subscription types.')),
    display: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    subscriber: Type.Optional(
      Type.Object(
        {
          subscriberId: Type.Optional(Type.String({ format: 'uuid' })),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          email: Type.Optional(Type.String({ format: 'email' })),
          address: Type.Optional(Address),
        },
        { description: 'An existing subscriber of the customer, or a new one (name required eventually).' },
      ),
    ),
    sim: Type.Optional(
      Type.Object(
        { esim: Type.Boolean(), iccid: Type.Optional(Type.String({ pattern: '^[0-9]{18,22}$' })) },
        {
          description:
            'SIM configuration (required eventually): an eSIM, or a physical SIM by ICCID (none: one is shipped).',
        },
      ),
    ),
    scheduleActivationAt: Type.Optional(Day('Date when the subscription should be activated.')),
    referenceId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Your reference for the subscription (rid_).' }),
    ),
    metadata: Type.Optional(Metadata),
  },
  {
    title: 'SubscriptionLineItem',
    description: 'Create a new subscription: a phone service for the customer with their chosen plan and number.',
  },
)

const SubscriptionRef = {
  subscriptionId: Type.Optional(Id('An existing subscription of the customer.')),
  subscriptionLineItemId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Or the SUBSCRIPTION line item of this order that creates it.',
    }),
  ),
}

const LicenseLine = Type.Object(
  {
    type: Type.Literal('LICENSE'),
    lineItemId: Type.Optional(LineItemId),
    productOfferingId: OfferingId('license-security-suite'),
    assignedTo: Type.Optional(
      Type.Object(
        { type: Type.Literal('SUBSCRIPTION'), ...SubscriptionRef },
        { description: 'Assign it to a subscription (existing, or created by this order).' },
      ),
    ),
    activationDate: Type.Optional(Day('The earliest day to activate it.')),
    details: Type.Optional(Free('Type-specific license details.')),
    referenceId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    metadata: Type.Optional(Metadata),
  },
  { title: 'LicenseLineItem', description: 'Create a license for the customer.' },
)

const AddonLine = Type.Object(
  {
    type: Type.Literal('ADD_ON'),
    lineItemId: Type.Optional(LineItemId),
    productOfferingId: OfferingId('addon-data-5gb'),
    ...SubscriptionRef,
    scheduledAt: Type.Optional(Day('The day to add it.')),
    metadata: Type.Optional(Metadata),
  },
  { title: 'AddonLineItem', description: 'Add an add-on to a subscription (existing, or created by this order).' },
)

const TopupLine = Type.Object(
  {
    type: Type.Literal('TOP_UP'),
    lineItemId: Type.Optional(LineItemId),
    productOfferingId: OfferingId('topup-data-2gb'),
    subscriptionId: Id('The subscription to top up.'),
    metadata: Type.Optional(Metadata),
  },
  { title: 'TopupLineItem', description: 'Apply a top-up to an existing subscription.' },
)

const ExternalProductLine = Type.Object(
  {
    type: Type.Literal('EXTERNAL_PRODUCT'),
    lineItemId: Type.Optional(LineItemId),
    productOfferingId: OfferingId('accessory-sim-holder'),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 999, description: 'Default 1.' })),
    metadata: Type.Optional(Metadata),
  },
  {
    title: 'ExternalProductLineItem',
    description: 'A catalog product sold only through orders (EXTERNAL_PRODUCT offerings), fulfilled outside Openline.',
  },
)

const ExternalItemLine = Type.Object(
  {
    type: Type.Literal('EXTERNAL_ITEM'),
    lineItemId: Type.Optional(LineItemId),
    name: Type.String({ minLength: 1, maxLength: 200, examples: ['Phone case'] }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    amount: Type.Number({ minimum: 0, description: 'Unit price, decimal major units.' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 999 })),
    taxIncluded: Type.Optional(Type.Boolean()),
    externalReference: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Your id for the item.' }),
    ),
    metadata: Type.Optional(Metadata),
  },
  {
    title: 'ExternalItemLineItem',
    description: 'A free-form priced item not in the catalog (a device, a service fee), fulfilled outside Openline.',
  },
)

const SubscriptionChangeLine = Type.Object(
  {
    type: Type.Literal('SUBSCRIPTION_CHANGE'),
    lineItemId: Type.Optional(LineItemId),
    subscriptionId: Id('The subscription whose plan changes.'),
    productOfferingId: OfferingId('mobile-plan-plus'),
    scheduledAt: Type.Optional(Day('The earliest day for the change.')),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    metadata: Type.Optional(Metadata),
  },
  {
    title: 'SubscriptionChangeLineItem',
    description: 'Change the plan of an existing subscription (as PUT /subscriptions/{id}/product-offering-change).',
  },
)

const LicenseChangeLine = Type.Object(
  {
    type: Type.Literal('LICENSE_CHANGE'),
    lineItemId: Type.Optional(LineItemId),
    licenseId: Id('The license.'),
    productOfferingId: OfferingId('license-security-suite'),
    scheduledAt: Type.Optional(Day('The earliest day.')),
    metadata: Type.Optional(Metadata),
  },
  {
    title: 'LicenseChangeLineItem',
    description: 'Change the offering of an existing license (as PUT /licenses/{id}/product-offering-change).',
  },
)

const AddonChangeLine = Type.Object(
  {
    type: Type.Literal('ADD_ON_CHANGE'),
    lineItemId: Type.Optional(LineItemId),
    subscriptionId: Id('The subscription holding the add-on.'),
    subscriptionAddonId: Type.Optional(Type.String({ format: 'uuid' })),
    currentProductOfferingId: Type.Optional(Type.String({ minLength: 1 })),
    productOfferingId: OfferingId('addon-data-10gb'),
    scheduledAt: Type.Optional(Day('The earliest day.')),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    metadata: Type.Optional(Metadata),
  },
  {
    title: 'AddonChangeLineItem',
    description: 'Change an attached add-on (as PUT /subscriptions/{id}/addons/product-offering-change).',
  },
)

const LineItemUnion = Type.Union([
  SubscriptionLine,
  LicenseLine,
  AddonLine,
  TopupLine,
  ExternalProductLine,
  ExternalItemLine,
  SubscriptionChangeLine,
  LicenseChangeLine,
  AddonChangeLine,
])

/**
 * A line item: `oneOf` with a `discriminator` on `type` (OpenAPI's, and ajv's with its
 * `discriminator` option), so a bad item is checked against the shape its `type` names only and its
 * errors are that shape's, not every shape's.
 */
export const LineItemInput = Type.Unsafe<Static<typeof LineItemUnion>>({
  // ajv's discriminator applies to objects only and stands in for oneOf: anything else must fail here.
  type: 'object',
  required: ['type'],
  oneOf: LineItemUnion.anyOf,
  discriminator: { propertyName: 'type' },
  title: 'LineItem',
  description: 'A line item: a billable action or service. `type` says which.',
})
export type LineItemInput = Static<typeof LineItemUnion>
export type LineItem = LineItemInput & { lineItemId: string }
export type LineItemOf<T extends LineItemType> = Extract<LineItem, { type: T }>

const ExistingOrNewUser = Type.Union([
  Type.Object({ userId: Id('An existing user.') }, { additionalProperties: false }),
  Type.Object({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.Optional(Type.String({ format: 'email' })),
    msisdn: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{7,14}$' })),
    identity: Type.Optional(Type.String({ maxLength: 100 })),
  }),
])
const ExistingOrNewCustomer = Type.Union([
  Type.Object({ customerId: Id('An existing customer.') }, { additionalProperties: false }),
  Type.Object({
    customerType: Type.Enum(['CONSUMER', 'BUSINESS']),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    identity: Type.Optional(Type.String({ maxLength: 100 })),
    contact: Type.Optional(
      Type.Object({
        email: Type.Optional(Type.String({ format: 'email' })),
        msisdn: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{7,14}$' })),
      }),
    ),
    preferredLocale: Type.Optional(Type.String({ maxLength: 35 })),
    metadata: Type.Optional(Metadata),
  }),
])

/** The billing party of an order, as sent and as stored. */
export const OrderBilling = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ format: 'email' })),
    address: Type.Optional(Address),
  },
  { title: 'OrderBilling', description: 'Pre-filled from the customer; may be overridden per order.' },
)

/** Where an order's physical items go, as sent and as stored. */
export const OrderShipping = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    msisdn: Type.Optional(Type.String()),
    address: Type.Optional(Address),
    instructions: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { title: 'OrderShipping', description: 'Only needed for shippable items (physical SIMs).' },
)

/** A payment taken outside Openline, as sent on submit and shown on the order. */
export const ExternalPayment = Type.Object(
  {
    reference: Type.String({ minLength: 1, maxLength: 255 }),
    receiptDescription: Type.Optional(Type.String({ maxLength: 500 })),
    receiptUrl: Type.Optional(Type.String({ format: 'uri' })),
    receivedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { title: 'ExternalPayment', description: 'A payment taken outside Openline.' },
)

const orderFields = {
  user: Type.Optional(Nullable(ExistingOrNewUser)),
  customer: Type.Optional(Nullable(ExistingOrNewCustomer)),
  billing: Type.Optional(Nullable(OrderBilling)),
  shipping: Type.Optional(Nullable(OrderShipping)),
  promoCode: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, examples: ['WELCOME10'] }))),
  consents: Type.Optional(Nullable(Free('Consents the customer gave, e.g. {"termsOfService": "true"}.'))),
  metadata: Type.Optional(Metadata),
}

export const CreateOrderInput = Type.Object(
  {
    ...orderFields,
    lineItems: Type.Optional(Type.Array(LineItemInput, { maxItems: 100 })),
  },
  { title: 'CreateOrderRequest' },
)
export type CreateOrderInput = Static<typeof CreateOrderInput>
export const UpdateOrderInput = Type.Object(orderFields, {
  title: 'UpdateOrderRequest',
  description: 'Absent fields stay as they are; null clears one.',
})
export type UpdateOrderInput = Static<typeof UpdateOrderInput>

export const SubmitOrderInput = Type.Object(
  {
    paymentSessionId: Type.Optional(Type.String({ format: 'uuid' })),
    paymentProfileSessionId: Type.Optional(Type.String({ format: 'uuid' })),
    signingSessionId: Type.Optional(Type.String({ format: 'uuid' })),
    externalPayment: Type.Optional(ExternalPayment),
    metadata: Type.Optional(Metadata),
  },
  { title: 'SubmitOrderRequest' },
)
export type SubmitOrderInput = Static<typeof SubmitOrderInput>
