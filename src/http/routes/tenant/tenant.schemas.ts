import type { Static, TNull, TOptional, TSchema, TUnion } from 'typebox'
import { Type } from 'typebox'
import type { TenantSettings as TenantSettingsType } from '../../../domain/access/tenant-settings.js'
import { DateTime, Nullable } from '../../schemas/common.js'
import { LINE_ITEM_TYPES } from '../../../domain/orders/inputs.js'
import { Currency } from '../parties/party.schemas.js'

const LineItemTypeSchema = Type.Unsafe<string>({ type: 'string', enum: [...LINE_ITEM_TYPES] })
const RequirementSchema = Type.Enum(['NOT_REQUIRED', 'OPTIONAL', 'REQUIRED'])

export const SimulatedProvider = Type.Object(
  {
    type: Type.Literal('simulated', { description: 'The built-in simulated provider.' }),
    latencyMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400_000,
        description:
          "0 (default): provisioning is done at once. More: the provider answers IN_PROGRESS and is done this many milliseconds later on the tenant's clock.",
      }),
    ),
    failFirst: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100,
        description: 'Fail the first N attempts of each provisioning (and deprovisioning) of each add-on, retryably.',
      }),
    ),
    failureRate: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description:
          'The share of attempts that fail retryably (0..1), drawn deterministically from the add-on id, the attempt and `seed`.',
      }),
    ),
    seed: Type.Optional(Type.Integer({ description: 'Varies which attempts `failureRate` fails.' })),
  },
  {
    title: 'SimulatedProvider',
    additionalProperties: false,
    description:
      'Offering metadata `simulate` adds per-offering behaviour: `fail-once` (the first attempt fails, retryably), `fail-always` (fails permanently), `slow` (done after at least a minute).',
  },
)

export const SimulatedPortingProvider = Type.Object(
  {
    type: Type.Literal('simulated', { description: 'The built-in simulated porting provider.' }),
    completeAfterDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60,
        description:
          'Days from the donor’s confirmation (an hour after submission) to the port, for numbers without a magic ending. Default 1.',
      }),
    ),
  },
  {
    title: 'SimulatedPortingProvider',
    additionalProperties: false,
    description:
      'Who ports numbers in. Default: this simulated provider for sandbox tenants; none for live tenants, whose port-in line items are refused until one is set. The ported number’s ending chooses what the simulated donor does: `…0001` rejects the details until they are corrected once, `…0002` refuses the port (FAILED), `…0003` cancels it on the port day (FAILED), `…0007` ports after 7 days; any other number ports after `completeAfterDays`.',
  },
)

/**
 * Every known setting, with its type and what it does. One list: it validates PATCH /tenant
 * (unknown keys are a 400 naming them), renders GET /tenant and documents both. Areas add their keys
 * here and to the domain type `TenantSettings`.
 */
const settingsProperties = {
  allowDirectSubscriptionCreation: Type.Boolean({
    description:
      'Default true. False: subscriptions are created through orders only (`POST /subscriptions` answers 422).',
  }),
  licensesManagedByBilling: Type.Boolean({
    description:
      'Default false. True: the billing system manages licenses; `POST /licenses` is refused and licenses come through orders.',
  }),
  currency: Currency('ISO 4217. The default billing currency of new customers. Default USD.'),
  networkProvider: SimulatedProvider,
  portingProvider: SimulatedPortingProvider,
  numberQuarantineDays: Type.Integer({
    minimum: 0,
    maximum: 3650,
    description: 'Days a number released from an ended subscription rests before it can be leased again. Default 90.',
  }),
  taxRates: Type.Array(
    Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 100, examples: ['Sales Tax'] }),
        rate: Type.Number({ minimum: 0, maximum: 100, description: 'Percent: 8.25 is 8.25 %.' }),
        appliesTo: Type.Optional(
          Type.Array(LineItemTypeSchema, { description: 'Line item types it applies to; none: all.' }),
        ),
      },
      { additionalProperties: false },
    ),
    {
      maxItems: 20,
      description:
        'Tax on order line items. With prices that exclude tax it is added; with prices that include it, it is shown as contained.',
    },
  ),
  fees: Type.Array(
    Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 100, examples: ['Activation fee'] }),
        amount: Type.Number({ minimum: 0, description: 'Decimal major units.' }),
        currency: Currency('ISO 4217.'),
        appliesTo: Type.Array(LineItemTypeSchema, {
          minItems: 1,
          description: 'Charged once per line item of these types.',
        }),
      },
      { additionalProperties: false },
    ),
    { maxItems: 20 },
  ),
  v2Org: Type.String({
    pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
    description:
      'The org name of the V2 add-ons API (`/v2/orgs/{org}/…`). Default: the tenant’s name. Unique across tenants.',
  }),
  orderRequirements: Type.Object(
    {
      requiresPayment: Type.Optional(RequirementSchema),
      requiresPaymentProfile: Type.Optional(RequirementSchema),
      requiresSigning: Type.Optional(RequirementSchema),
    },
    {
      additionalProperties: false,
      description:
        'What an order needs before it can be submitted; each defaults to NOT_REQUIRED. Payment is never required of an order that costs nothing.',
    },
  ),
}
type SettingsProperties = typeof settingsProperties

const mapProperties = <R extends TSchema>(wrap: (schema: TSchema) => R) =>
  Object.fromEntries(Object.entries(settingsProperties).map(([key, schema]) => [key, wrap(schema)]))

export const TenantSettings = Type.Object(
  mapProperties((schema) => Type.Optional(schema)) as {
    [K in keyof SettingsProperties]: TOptional<SettingsProperties[K]>
  },
  {
    title: 'TenantSettings',
    additionalProperties: false,
    description: 'The tenant’s settings. A setting left out takes its default.',
  },
)

/** The same keys; each may be `null` to remove it. */
export const TenantSettingsPatch = Type.Object(
  mapProperties((schema) => Type.Optional(Nullable(schema))) as {
    [K in keyof SettingsProperties]: TOptional<TUnion<[SettingsProperties[K], TNull]>>
  },
  {
    title: 'TenantSettingsPatch',
    additionalProperties: false,
    description:
      'Settings to change, merged key by key: a value sets the key (objects are replaced whole), `null` removes it, a key left out stays.',
  },
)

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
/** Every key required, at every depth: so a key that only one side lists makes the two differ. */
type Complete<T> = T extends object ? { [K in keyof T]-?: Complete<T[K]> } : T
/** Compile-time check: the schema and the domain type list the same settings with the same types. */
export const SETTINGS_MATCH_DOMAIN: Exact<Complete<Static<typeof TenantSettings>>, Complete<TenantSettingsType>> = true

export const Tenant = Type.Object(
  {
    tenantId: Type.String({ format: 'uuid' }),
    name: Type.String({ description: 'The tenant’s unique name.' }),
    timeZone: Type.String({
      description: 'IANA time zone: the calendar dates you send and receive are days in this zone.',
      examples: ['Europe/Stockholm'],
    }),
    sandbox: Type.Boolean({ description: 'Sandbox tenants have test clocks; live tenants run on real time.' }),
    settings: TenantSettings,
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'Tenant' },
)

export const UpdateTenantBody = Type.Object(
  {
    timeZone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'IANA time zone. Instants already scheduled keep their instant; dates sent from now on are read in the new zone.',
        examples: ['Europe/Stockholm'],
      }),
    ),
    settings: Type.Optional(TenantSettingsPatch),
  },
  { title: 'UpdateTenantRequest', additionalProperties: false },
)
