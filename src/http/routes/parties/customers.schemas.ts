import { Type } from 'typebox'
import { BILLING_METHODS } from '../../../domain/parties/contact.js'
import { EntityId, Nullable, PageOf, PageQuery } from '../../schemas/common.js'
import {
  Address,
  Currency,
  Customer,
  CustomerTypeSchema,
  Email,
  Locale,
  MetadataBody,
  Msisdn,
  Name,
  ReferenceId,
  RoleSchema,
  Shipping,
} from './party.schemas.js'

const UserRef = EntityId('A user.')
const Identity = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Personal or organisation number.',
  examples: ['556677-8899'],
})
const BillingMethod = Type.Enum(BILLING_METHODS, {
  description:
    'How invoices are sent. Default `E_INVOICE`; `EMAIL_INVOICE` (the older spelling) is accepted as `E_INVOICE`.',
})
const PaymentProfileId = Type.String({ format: 'uuid', description: 'The payment profile charged by default.' })

export const CreateCustomerBody = Type.Object(
  {
    customerType: CustomerTypeSchema,
    name: Name("The customer's name: a person's or an organisation's."),
    identity: Type.Optional(Identity),
    preferredLocale: Type.Optional(Locale),
    contact: Type.Optional(Type.Object({ email: Type.Optional(Email()), msisdn: Type.Optional(Msisdn()) })),
    billing: Type.Optional(
      Type.Object({
        method: Type.Optional(BillingMethod),
        email: Type.Optional(Email('Where e-invoices go.')),
        address: Type.Optional(Address),
        currency: Type.Optional(Currency("ISO 4217. Default: the tenant's `settings.currency`, else USD.")),
        defaultPaymentProfileId: Type.Optional(PaymentProfileId),
        autoPay: Type.Optional(
          Type.Boolean({ description: 'Charge the default payment profile automatically. Default false.' }),
        ),
      }),
    ),
    users: Type.Optional(
      Type.Array(
        Type.Union([UserRef, Type.Object({ userId: UserRef, role: Type.Optional(RoleSchema) })], {
          description: 'A user id (UUID or `rid_`), or `{userId, role}`; the role defaults to MEMBER.',
        }),
        { maxItems: 100, description: 'Users granted access to the customer.' },
      ),
    ),
    contactPersonUserId: Type.Optional(EntityId('The contact person, a user.')),
    shipping: Type.Optional(Shipping),
    referenceId: Type.Optional(ReferenceId('customer')),
    metadata: Type.Optional(MetadataBody()),
  },
  { title: 'CreateCustomerRequest' },
)

/** Absent fields keep their value; `null` clears an optional one. `contact` and `billing` merge field by field. */
export const UpdateCustomerBody = Type.Object(
  {
    customerType: Type.Optional(CustomerTypeSchema),
    name: Type.Optional(Name()),
    identity: Type.Optional(Nullable(Identity)),
    preferredLocale: Type.Optional(Nullable(Locale)),
    contact: Type.Optional(
      Type.Object({ email: Type.Optional(Nullable(Email())), msisdn: Type.Optional(Nullable(Msisdn())) }),
    ),
    billing: Type.Optional(
      Type.Object({
        method: Type.Optional(BillingMethod),
        email: Type.Optional(Nullable(Email())),
        address: Type.Optional(Nullable(Address)),
        currency: Type.Optional(Currency()),
        defaultPaymentProfileId: Type.Optional(Nullable(PaymentProfileId)),
        autoPay: Type.Optional(Type.Boolean()),
      }),
    ),
    contactPersonUserId: Type.Optional(Nullable(EntityId('The contact person, a user.'))),
    shipping: Type.Optional(Nullable(Shipping)),
    referenceId: Type.Optional(Nullable(ReferenceId('customer'))),
    metadata: Type.Optional(MetadataBody('Replaces the metadata as a whole.')),
  },
  {
    title: 'UpdateCustomerRequest',
    description:
      'A partial update: absent fields keep their value, `null` clears an optional one; `contact` and `billing` merge field by field.',
  },
)

export const CustomerParams = Type.Object({ customerId: EntityId('The customer.') })
export const CustomerUserParams = Type.Object({ customerId: EntityId('The customer.'), userId: EntityId('The user.') })

export const AddCustomerUserBody = Type.Object(
  {
    userId: EntityId('The user to grant access.'),
    role: RoleSchema,
  },
  { title: 'AddCustomerUserRequest' },
)

export const CustomerListQuery = Type.Object({
  ...PageQuery,
  filter: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'Case-insensitive search in the name, contact and billing e-mail, human-readable id (with or without dashes) and reference.',
    }),
  ),
  customerType: Type.Optional(CustomerTypeSchema),
  userId: Type.Optional(EntityId('Only customers this user may act for.')),
})

export const CustomerPage = PageOf(Customer, 'CustomerPage')
