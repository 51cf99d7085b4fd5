import type { Static } from 'typebox'
import { Type } from 'typebox'
import { COUNTRY, CURRENCY, LOCALE, MAX_EMAIL_LENGTH, MSISDN } from '../../../domain/parties/contact.js'
import { CUSTOMER_TYPES, CUSTOMER_USER_ROLES } from '../../../domain/parties/party.js'
import { MAX_REFERENCE_LENGTH } from '../../../domain/shared/ids.js'
import { DateTime, Metadata } from '../../schemas/common.js'

/**
 * The resources of the parties area in their Connect API shape (reference 1.6, 3.9, 3.10). Other
 * areas embed `EmbeddedCustomer`, `EmbeddedSubscriber` and `Address` from here.
 */

const Text = (maxLength: number, options: { description?: string; examples?: string[] } = {}) =>
  Type.String({ minLength: 1, maxLength, ...options })

export const Email = (description = 'An e-mail address.') =>
  Type.String({ format: 'email', maxLength: MAX_EMAIL_LENGTH, description, examples: ['jane@example.com'] })
export const Msisdn = (description = 'A phone number in E.164 form.') =>
  Type.String({ pattern: MSISDN.source, description, examples: ['+46701234567'] })
export const Name = (description = 'The name.') => Text(200, { description })
export const ReferenceId = (what: string) =>
  Text(MAX_REFERENCE_LENGTH, {
    description: `Your own reference for the ${what} (at most 255 characters, unique in your tenant); use it in paths as \`rid_<reference>\`.`,
    examples: ['crm-12345'],
  })
export const Locale = Type.String({
  pattern: LOCALE.source,
  maxLength: 35,
  description:
    'A BCP 47 language tag: language, optional script, region and variants (`sv-SE`, `zh-Hant-TW`). Stored in canonical case.',
  examples: ['sv-SE'],
})
/** Metadata in a request body, typed as the services take it. */
export const MetadataBody = (description = 'Key-value pairs for your own semi-structured data.') =>
  Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    additionalProperties: true,
    description,
    examples: [{ crmId: '12345' }],
  })
export const Currency = (description = 'ISO 4217.') =>
  Type.String({ pattern: CURRENCY.source, description, examples: ['SEK'] })
export const CustomerTypeSchema = Type.Enum(CUSTOMER_TYPES, {
  description: 'A person (CONSUMER) or an organisation (BUSINESS).',
})
export const RoleSchema = Type.Enum(CUSTOMER_USER_ROLES, { description: 'What the user may do for the customer.' })

export const Address = Type.Object(
  {
    street1: Type.Optional(Text(200, { examples: ['1 Main St'] })),
    street2: Type.Optional(Text(200)),
    city: Type.Optional(Text(100, { examples: ['San Francisco'] })),
    zip: Type.Optional(Text(20, { examples: ['94105'] })),
    country: Type.Optional(
      Type.String({ pattern: COUNTRY.source, description: 'ISO 3166-1 alpha-2, upper case.', examples: ['US'] }),
    ),
    state: Type.Optional(Text(100, { examples: ['CA'] })),
    region: Type.Optional(Text(100)),
    attention: Type.Optional(Text(200, { description: 'Who the post is for ("Attn: Accounts payable").' })),
  },
  { title: 'Address', description: 'A postal address. Every field is optional.' },
)
export type Address = Static<typeof Address>

export const Shipping = Type.Object(
  {
    name: Name('Who receives the delivery.'),
    msisdn: Type.Optional(Msisdn('A number the courier can call.')),
    address: Address,
    instructions: Type.Optional(Text(500, { description: 'For the courier.' })),
  },
  { title: 'Shipping', description: 'Default shipping for SIM cards and devices.' },
)

export const EmbeddedCustomer = Type.Object(
  { customerId: Type.String({ format: 'uuid' }), name: Type.String() },
  { title: 'EmbeddedCustomer', description: 'The customer, embedded. Get it for the details.' },
)

export const Customer = Type.Object(
  {
    customerId: Type.String({ format: 'uuid' }),
    customerType: CustomerTypeSchema,
    name: Type.String(),
    identity: Type.Optional(Type.String({ description: 'Personal or organisation number.' })),
    preferredLocale: Type.Optional(Type.String({ examples: ['sv-SE'] })),
    humanReadableId: Type.String({
      description: 'Short and unambiguous, for support calls: 3-4-3 characters from 2-9 and A-Z without I, L, O, U.',
      examples: ['29A-BY3Z-X78'],
    }),
    contact: Type.Object({ email: Type.Optional(Type.String()), msisdn: Type.Optional(Type.String()) }),
    billing: Type.Object({
      method: Type.Enum(['E_INVOICE', 'PAPER_INVOICE', 'CARD', 'DIRECT_DEBIT'], {
        description: '`EMAIL_INVOICE`, the older spelling, is stored as `E_INVOICE`.',
      }),
      email: Type.Optional(Type.String()),
      address: Type.Optional(Address),
      currency: Type.String({ examples: ['SEK'] }),
      defaultPaymentProfileId: Type.Optional(Type.String()),
      autoPay: Type.Boolean(),
    }),
    users: Type.Array(Type.Object({ userId: Type.String({ format: 'uuid' }), name: Type.String(), role: RoleSchema }), {
      description: 'Users who may act for the customer.',
    }),
    contactPersonUserId: Type.Optional(Type.String({ format: 'uuid' })),
    contactPerson: Type.Optional(
      Type.Object(
        {
          userId: Type.String({ format: 'uuid' }),
          name: Type.String(),
          email: Type.Optional(Type.String()),
          msisdn: Type.Optional(Type.String()),
        },
        { description: 'The contact person (a user), embedded.' },
      ),
    ),
    shipping: Type.Optional(Shipping),
    referenceId: Type.Optional(Type.String()),
    metadata: Metadata,
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'Customer' },
)

export const User = Type.Object(
  {
    userId: Type.String({ format: 'uuid' }),
    name: Type.String(),
    email: Type.Optional(Type.String()),
    msisdn: Type.Optional(Type.String()),
    identity: Type.Optional(Type.String()),
    customerIds: Type.Array(Type.String({ format: 'uuid' }), { description: 'The customers this user may act for.' }),
    referenceId: Type.Optional(Type.String()),
    metadata: Metadata,
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'User' },
)

export const EmbeddedSubscriber = Type.Object(
  {
    subscriberId: Type.String({ format: 'uuid' }),
    name: Type.String(),
    email: Type.Optional(Type.String()),
    address: Type.Optional(Address),
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'EmbeddedSubscriber', description: 'The subscriber, embedded.' },
)

export const Subscriber = Type.Object(
  {
    subscriberId: Type.String({ format: 'uuid' }),
    name: Type.String(),
    email: Type.Optional(Type.String()),
    address: Type.Optional(Type.Object(Address.properties, { description: 'In the US, the E911 address.' })),
    customerId: Type.String({ format: 'uuid' }),
    customer: EmbeddedCustomer,
    subscriptionIds: Type.Array(Type.String({ format: 'uuid' })),
    metadata: Metadata,
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'Subscriber' },
)
