import { Type } from 'typebox'
import { ORDER_STATUSES } from '../../../domain/orders/inputs.js'
import { LineItemInput } from '../../../domain/orders/inputs.js'
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

export const Validation = Type.Object({
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
})

const TaxLine = Type.Object({
  description: Type.String(),
  amount: Money(),
  rate: Type.Number({ description: 'Percent: 8.25 is 8.25 %.' }),
})
const Named = Type.Object({ name: Type.String(), amount: Money() })

export const Pricing = Type.Object({
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
})

const Party = (id: string) =>
  Nullable(
    Type.Object({
      [id]: Nullable(Type.String({ format: 'uuid' })),
      name: Type.String(),
      new: Type.Boolean({ description: 'Described on the order; created when it is fulfilled.' }),
    }),
  )

export const Order = Type.Object({
  orderId: Type.String({ format: 'uuid' }),
  status: Type.Enum(ORDER_STATUSES),
  state: Type.Enum(ORDER_STATUSES, { description: 'The same as status (the webhook examples call it state).' }),
  customerId: Nullable(Type.String({ format: 'uuid' })),
  customer: Party('customerId'),
  userId: Nullable(Type.String({ format: 'uuid' })),
  user: Party('userId'),
  billing: Nullable(FreeObject()),
  shipping: Nullable(FreeObject()),
  promoCode: Nullable(Type.String()),
  consents: Nullable(FreeObject()),
  lineItems: Type.Array(LineItemInput),
  validation: Validation,
  requirements: Type.Object({
    requiresPayment: Requirement,
    requiresPaymentProfile: Requirement,
    requiresSigning: Requirement,
  }),
  pricing: Nullable(Pricing),
  externalPayment: Nullable(FreeObject()),
  createdEntities: Nullable(
    FreeObject({
      description: 'What fulfilment created: subscriptions, licenses, add-ons, top-ups, changes, a new customer.',
    }),
  ),
  failure: Nullable(FreeObject({ description: 'Why fulfilment failed: the line item, the code and the message.' })),
  expiresAt: DateTime(),
  submittedAt: Nullable(DateTime()),
  completedAt: Nullable(DateTime()),
  cancelledAt: Nullable(DateTime()),
  createdAt: DateTime(),
  updatedAt: DateTime(),
  metadata: Metadata,
})

export const OrderSummary = Type.Object({
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
})

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
export const OrderPage = PageOf(OrderSummary)
