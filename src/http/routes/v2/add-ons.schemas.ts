import type { TSchema } from 'typebox'
import { Type } from 'typebox'
import { V2_ADDON_STATUSES, V2_DEACTIVATION_REASONS } from '../../../domain/v2/add-on.js'
import { DATE_OPERATORS } from '../../../domain/v2/dates.js'
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../../domain/shared/paging.js'

/** The V2 add-ons API (seed 003): snake_case, as the original. */

const ISO_VALUE =
  'ISO 8601: a date-time with an offset (`2024-03-01T10:00:00Z`), or a date (`2024-03-01`, that day in the tenant’s time zone).'
const DateTimeOut = (description: string, nullable = false) => {
  const schema = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' })
  return nullable
    ? Type.Union([schema, Type.Null()], { readOnly: true, description })
    : Type.Unsafe<Date | string>({ type: 'string', format: 'date-time', readOnly: true, description })
}
const ServerText = (description: string, nullable = false) =>
  nullable
    ? Type.Union([Type.String(), Type.Null()], { readOnly: true, description })
    : Type.String({ readOnly: true, description })
const Nullable = <T extends TSchema>(schema: T, description: string) =>
  Type.Union([schema, Type.Null()], { description })

const DESCRIPTIONS = {
  id: 'Add-on unique identifier (the Connect API’s `subscriptionAddonId`). Send your own UUID when adding to make the add idempotent.',
  legacy_id: 'Legacy add-on id (MySim/Apollo storage, to be deprecated), as the client sent it.',
  catalogue_add_on_legacy_id: 'MySim/Apollo id of the catalogue add-on, as the client sent it.',
  catalogue_add_on_id: 'The catalogue add-on: an add-on product offering id (the Connect API’s `productOfferingId`).',
  creation_date: 'When the add-on was added.',
  creation_system: 'The system that added it: the token’s audience, or the API key’s label. N/A if not available.',
  creation_user: 'The user who added it: the token’s subject (or e-mail). N/A if not available.',
  last_updated_date: 'When any field of the add-on last changed.',
  status:
    'REQUESTED (scheduled, or waiting for the network provider), ACTIVE, CANCELLED (withdrawn before it was ever active) or DEACTIVATED (ended after being active).',
  activation_date: 'When it became active, or when it is scheduled to.',
  deactivation_date: 'When it ended, or when a requested deactivation (or its expiry) ends it.',
  deactivation_system:
    'The system that asked for the deactivation (N/A for an expiry or if not available); null while none is due.',
  deactivation_user:
    'The user who asked for the deactivation (N/A for an expiry or if not available); null while none is due.',
  provider_product_id:
    'External provider product identifier: as sent, else the offering’s network provider product id.',
  provider_service_id:
    'External provider service identifier: as sent, else the package id the network provider gave it.',
}

export const V2AddOn = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: DESCRIPTIONS.id }),
    legacy_id: Nullable(Type.Integer(), DESCRIPTIONS.legacy_id),
    catalogue_add_on_legacy_id: Nullable(Type.String(), DESCRIPTIONS.catalogue_add_on_legacy_id),
    catalogue_add_on_id: Type.String({ description: DESCRIPTIONS.catalogue_add_on_id, examples: ['addon-data-5gb'] }),
    creation_date: DateTimeOut(DESCRIPTIONS.creation_date),
    creation_system: ServerText(DESCRIPTIONS.creation_system),
    creation_user: ServerText(DESCRIPTIONS.creation_user),
    last_updated_date: DateTimeOut(DESCRIPTIONS.last_updated_date),
    status: Type.Enum(V2_ADDON_STATUSES, { readOnly: true, description: DESCRIPTIONS.status }),
    activation_date: Nullable(
      Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' }),
      DESCRIPTIONS.activation_date,
    ),
    deactivation_date: DateTimeOut(DESCRIPTIONS.deactivation_date, true),
    deactivation_system: ServerText(DESCRIPTIONS.deactivation_system, true),
    deactivation_user: ServerText(DESCRIPTIONS.deactivation_user, true),
    provider_product_id: Nullable(Type.String(), DESCRIPTIONS.provider_product_id),
    provider_service_id: Nullable(Type.String(), DESCRIPTIONS.provider_service_id),
  },
  {
    $id: 'V2AddOn',
    title: 'AddOn',
    description:
      'An add-on (value-added service) of a subscription. Fields marked read-only are the server’s; they are ignored in an add body.',
  },
)

const Ignored = (description: string) =>
  Type.Optional(Type.Unknown({ readOnly: true, description: `${description} Server-owned: ignored if sent.` }))
const Text = (description: string) =>
  Type.Optional(
    Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()], {
      description: `${description} Null is the same as leaving it out.`,
    }),
  )

/** The add body: the AddOn shape, of which the client owns only some fields. */
export const AddOnBody = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Your own id for the add-on. Adding again with the same id and the same body answers that add-on (201); with a different body, a 409.',
      }),
    ),
    catalogue_add_on_id: Type.String({
      minLength: 1,
      maxLength: 100,
      description: DESCRIPTIONS.catalogue_add_on_id,
      examples: ['addon-data-5gb'],
    }),
    catalogue_add_on_legacy_id: Text(DESCRIPTIONS.catalogue_add_on_legacy_id),
    legacy_id: Type.Optional(
      Type.Union([Type.Integer(), Type.Null()], {
        description: `${DESCRIPTIONS.legacy_id} Null is the same as leaving it out.`,
      }),
    ),
    provider_product_id: Text('External provider product identifier.'),
    provider_service_id: Text('External provider service identifier.'),
    activation_date: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
        description: `When to activate it. ${ISO_VALUE} None, or a past instant: now.`,
        examples: ['2025-03-01T00:00:00Z'],
      }),
    ),
    creation_date: Ignored(DESCRIPTIONS.creation_date),
    creation_system: Ignored(DESCRIPTIONS.creation_system),
    creation_user: Ignored(DESCRIPTIONS.creation_user),
    last_updated_date: Ignored(DESCRIPTIONS.last_updated_date),
    status: Ignored(DESCRIPTIONS.status),
    deactivation_date: Ignored(DESCRIPTIONS.deactivation_date),
    deactivation_system: Ignored(DESCRIPTIONS.deactivation_system),
    deactivation_user: Ignored(DESCRIPTIONS.deactivation_user),
  },
  { title: 'V2AddOnRequest', description: 'Add AddOn to subscription body.' },
)

export const AddOnsSet = Type.Object(
  {
    items: Type.Array(Type.Ref('V2AddOn')),
    offset: Type.Integer({ description: 'The offset asked for.' }),
    limit: Type.Integer({ description: 'The limit asked for.' }),
    total: Type.Integer({ description: 'How many add-ons match the filters, over all pages.' }),
  },
  { title: 'V2AddOnsSet' },
)

export const SubscriptionParams = Type.Object({
  org: Type.String({ minLength: 1, maxLength: 63, description: 'Organization name.', examples: ['yoigo'] }),
  subscriptionId: Type.String({ format: 'uuid', description: 'Subscription unique identifier.' }),
})

export const AddOnParams = Type.Object({
  ...SubscriptionParams.properties,
  addonId: Type.String({ format: 'uuid', description: 'AddOn unique identifier.' }),
})

const operand = Type.String({ description: ISO_VALUE })

export const AddOnsQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Pagination offset.' })),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_LIMIT,
      default: DEFAULT_PAGE_LIMIT,
      description: 'Pagination limit (1-1000).',
    }),
  ),
  legacy_add_on_id: Type.Optional(Type.Integer({ description: 'Only the add-on with this `legacy_id`.' })),
  activation_date: Type.Optional(
    Type.Unsafe<unknown>({
      description:
        `Activation date filter (DateFilterEnum). Operators: ${DATE_OPERATORS.join(', ')}. ${ISO_VALUE} A date-time stands for the span of its last digit (a second, a minute), a date for that whole day. ` +
        'Three spellings: a bare value (eq) `activation_date=2024-01-05T03:30:15Z`; a JSON object `activation_date={"gte":"2024-01-01T00:00:00Z","lt":"2024-02-01T00:00:00Z"}` (URL-encoded); or `activation_date[gte]=…&activation_date[lt]=…`.',
      anyOf: [
        { type: 'string' },
        Type.Object(Object.fromEntries(DATE_OPERATORS.map((op) => [op, Type.Optional(operand)]))),
      ],
    }),
  ),
})

export const DeactivationBody = Type.Object(
  {
    reason: Type.Enum(V2_DEACTIVATION_REASONS, { description: 'Reason for the deactivation.' }),
    deactivation_date: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
        description: `When to deactivate it. ${ISO_VALUE} None, or a past instant: now.`,
      }),
    ),
  },
  { title: 'V2AddOnDeactivationRequest' },
)
