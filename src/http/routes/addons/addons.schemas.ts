import { Type } from 'typebox'
import { ADDON_STATUSES, PROVISIONING_OPERATIONS, PROVISIONING_STATES } from '../../../domain/addons/addon.js'
import { CalendarDate, DateTime, EntityId, Metadata, Nullable } from '../../schemas/common.js'
import { EmbeddedGroup, EmbeddedProductOffering } from '../catalog/catalog.schemas.js'
import { EmbeddedLicense } from '../licenses/licenses.schemas.js'

export const AddonStatusSchema = Type.Enum(ADDON_STATUSES, {
  description:
    'PENDING: scheduled or being provisioned; ACTIVE: active and billable; CANCELLED / EXPIRED: no longer active.',
})
const ReferenceId = Type.String({
  minLength: 1,
  maxLength: 255,
  description:
    'A reference from your systems or the network provider (unique per tenant), e.g. a provider package id; find the add-on by `rid_<referenceId>`.',
  examples: ['telna-package-12345'],
})

export const SubscriptionAddon = Type.Object(
  {
    subscriptionAddonId: Type.String({ format: 'uuid' }),
    subscriptionId: Type.String({ format: 'uuid' }),
    status: AddonStatusSchema,
    productOfferingId: Type.String(),
    productOffering: EmbeddedProductOffering,
    productOfferingGroupId: Nullable(Type.String()),
    group: Nullable(EmbeddedGroup),
    license: Nullable(EmbeddedLicense),
    pendingStatus: Nullable(
      Type.Object(
        { status: AddonStatusSchema, scheduledAt: CalendarDate() },
        { description: 'A scheduled add, cancellation or expiry.' },
      ),
    ),
    pendingProductOffering: Nullable(
      Type.Object(
        { scheduledAt: CalendarDate(), ...EmbeddedProductOffering.properties },
        { description: 'The offering the add-on changes to, and when.' },
      ),
    ),
    addedAt: DateTime({ description: 'When the add-on was added to the subscription.' }),
    activatedAt: Nullable(DateTime({ description: 'When it became ACTIVE.' })),
    expiresAt: Nullable(DateTime({ description: 'When a time-limited add-on expires.' })),
    cancelledAt: Nullable(DateTime()),
    expiredAt: Nullable(DateTime()),
    updatedAt: DateTime(),
    referenceId: Nullable(ReferenceId),
    provisioning: Nullable(
      Type.Object(
        {
          state: Type.Enum(PROVISIONING_STATES, {
            description:
              'PENDING: a job is asking the provider (see attempts and lastError); PROVISIONED / DEPROVISIONED: done; FAILED: given up, an operator may retry (POST …/provisioning/retry).',
          }),
          operation: Type.Enum(PROVISIONING_OPERATIONS, { description: 'What the provider is asked to do.' }),
          attempts: Type.Integer({ description: 'Calls made to the provider for this operation.' }),
          lastError: Nullable(Type.String({ description: "The provider's last error, if its last call failed." })),
          providerPackageId: Nullable(
            Type.String({
              description: "The provider's package id; it becomes the add-on's referenceId unless you set one.",
            }),
          ),
        },
        {
          description:
            "The network provider's side, for tenants with a provider (settings.networkProvider); null otherwise.",
        },
      ),
    ),
    metadata: Metadata,
  },
  { title: 'SubscriptionAddon' },
)

export const AddonParams = Type.Object({
  subscriptionId: EntityId('The subscription.'),
  subscriptionAddonId: EntityId('The add-on.'),
})

export const AddonListQuery = Type.Object({
  status: Type.Optional(Type.Array(AddonStatusSchema, { description: 'Default: ACTIVE and PENDING.' })),
})

export const AddAddonBody = Type.Object(
  {
    productOfferingId: Type.String({
      minLength: 1,
      description: 'The add-on offering to add.',
      examples: ['addon-data-5gb'],
    }),
    scheduledAt: Type.Optional(CalendarDate({ description: 'The day to add it (tenant time zone). None: now.' })),
    referenceId: Type.Optional(ReferenceId),
    metadata: Type.Optional(Metadata),
  },
  { title: 'AddAddonRequest' },
)

export const ChangeAddonBody = Type.Object(
  {
    productOfferingId: Type.String({
      minLength: 1,
      description: 'The offering to change to.',
      examples: ['addon-data-5gb'],
    }),
    subscriptionAddonId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Which add-on changes. Else the one on currentProductOfferingId, else the single one in the new offering’s group.',
      }),
    ),
    currentProductOfferingId: Type.Optional(Type.String({ minLength: 1 })),
    scheduledAt: Type.Optional(
      CalendarDate({
        description:
          'Earliest day to perform the change on; if the change schedule does not fit it, the earliest allowed instant after it is used.',
        examples: ['2024-02-01'],
      }),
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500, examples: ['Customer upgrade request'] })),
    metadata: Type.Optional(Metadata),
  },
  { title: 'ChangeAddonRequest' },
)

export const CancelAddonBody = Type.Object(
  {
    subscriptionAddonId: Type.Optional(Type.String({ format: 'uuid', description: 'The add-on to cancel.' })),
    productOfferingId: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Or the offering it is on (several such add-ons: 422 listing them).',
        examples: ['addon-offering-456'],
      }),
    ),
    scheduledAt: Type.Optional(CalendarDate({ description: 'The day to cancel it. None: now.' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500, examples: ['No longer needed'] })),
    metadata: Type.Optional(Metadata),
  },
  { title: 'CancelAddonRequest' },
)

export const AddonOption = Type.Object(
  {
    productOfferingId: Type.String(),
    productOffering: EmbeddedProductOffering,
    productOfferingGroupId: Nullable(Type.String()),
    group: Nullable(EmbeddedGroup),
  },
  { title: 'AddonOption' },
)

export const AddonChangeOptionsQuery = Type.Object({
  currentProductOfferingId: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'The offering of the attached add-on (required unless subscriptionAddonId is given).',
    }),
  ),
  subscriptionAddonId: Type.Optional(Type.String({ format: 'uuid' })),
})
