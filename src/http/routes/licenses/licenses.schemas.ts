import { Type } from 'typebox'
import { LICENSE_STATUSES } from '../../../domain/licenses/license.js'
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
import { EmbeddedCustomer } from '../parties/parties.schemas.js'

export const LicenseStatusSchema = Type.Enum(LICENSE_STATUSES)
const ReferenceId = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'Your own reference (unique per tenant); find the license by `rid_<referenceId>`.',
  examples: ['crm-license-12345'],
})

export const LicenseAssignment = Type.Object(
  {
    type: Type.Literal('SUBSCRIPTION'),
    subscriptionId: Type.String({ format: 'uuid' }),
    subscriptionDisplay: Nullable(Type.String({ description: 'The subscription’s display name.' })),
  },
  { title: 'LicenseAssignment', description: 'The subscription the license is assigned to; the license ends with it.' },
)

export const License = Type.Object(
  {
    licenseId: Type.String({ format: 'uuid' }),
    status: LicenseStatusSchema,
    type: Type.String({
      description: 'The license type: given at creation, else the offering category without `PRODUCT_CATEGORY_`.',
      examples: ['LICENSE_SECURITY'],
    }),
    customerId: Type.String({ format: 'uuid' }),
    customer: EmbeddedCustomer,
    productOfferingId: Type.String(),
    productOffering: EmbeddedProductOffering,
    assignedTo: Nullable(LicenseAssignment),
    details: FreeObject({ description: 'Type-specific details.' }),
    pendingStatus: Nullable(
      Type.Object({
        status: LicenseStatusSchema,
        scheduledAt: CalendarDate({ description: 'The day it takes effect (tenant time zone).' }),
      }),
    ),
    pendingProductOffering: Nullable(
      Type.Object({ scheduledAt: CalendarDate(), ...EmbeddedProductOffering.properties }),
    ),
    billingCycle: Nullable(
      Type.Object(
        {
          anchorDate: CalendarDate({ description: 'Renewals fall on this day of the period (clamped to month ends).' }),
          currentPeriodStart: DateTime(),
          nextRenewalAt: DateTime(),
        },
        {
          description:
            'Openline: the license’s own billing cycle, anchored at activation; renewals and NEXT_RENEWAL changes follow it.',
        },
      ),
    ),
    activatedAt: Nullable(DateTime()),
    cancelledAt: Nullable(DateTime()),
    pausedAt: Nullable(DateTime()),
    createdAt: DateTime(),
    updatedAt: DateTime(),
    referenceId: Nullable(ReferenceId),
    metadata: Metadata,
  },
  { title: 'License' },
)

/** What an add-on shows of the license its offering includes (reference 3.5 `license`). */
export const EmbeddedLicense = Type.Object(
  {
    licenseId: Type.String({ format: 'uuid' }),
    status: LicenseStatusSchema,
    productOffering: EmbeddedProductOffering,
    assignedTo: Nullable(LicenseAssignment),
    type: License.properties.type,
    customer: EmbeddedCustomer,
    activatedAt: Nullable(DateTime()),
  },
  {
    title: 'EmbeddedLicense',
    description:
      'The license the add-on came with (its offering includes one); GET /licenses/{licenseId} for all of it.',
  },
)

export const LicenseParams = Type.Object({ licenseId: EntityId('The license.') })

export const LicenseListQuery = Type.Object({
  ...PageQuery,
  customerId: Type.Optional(Type.Array(EntityId('A customer.'))),
  status: Type.Optional(
    Type.Array(LicenseStatusSchema, { description: 'Only these statuses (repeat, or `status[]`).' }),
  ),
  type: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { description: 'Only these license types.' }),
  ),
  subscriptionId: Type.Optional(EntityId('Only licenses assigned to this subscription.')),
})
export const LicensePage = PageOf(License, 'LicensePage')

export const CreateLicenseBody = Type.Object(
  {
    productOfferingId: Type.String({
      minLength: 1,
      description: 'An AVAILABLE LICENSE offering.',
      examples: ['license-security-suite'],
    }),
    customerId: EntityId('The customer who holds it.'),
    type: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Default: the offering category without `PRODUCT_CATEGORY_`.',
      }),
    ),
    assignedTo: Type.Optional(
      Type.Object({
        type: Type.Literal('SUBSCRIPTION'),
        subscriptionId: EntityId('A subscription of the same customer.'),
      }),
    ),
    activationDate: Type.Optional(
      CalendarDate({
        description: 'The earliest day to activate; none = now. Until then the license is PENDING with pendingStatus.',
      }),
    ),
    referenceId: Type.Optional(ReferenceId),
    details: Type.Optional(FreeObject({ description: 'Type-specific details.' })),
    metadata: Type.Optional(Metadata),
  },
  { title: 'CreateLicenseRequest' },
)

export const CancelLicenseBody = Type.Object(
  {
    scheduledAt: Type.Optional(
      CalendarDate({ description: 'The earliest day it ends (tenant time zone); none = now.' }),
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    metadata: Type.Optional(Metadata),
  },
  { title: 'CancelLicenseRequest' },
)

export const ChangeLicenseOfferingBody = Type.Object(
  {
    productOfferingId: Type.String({ minLength: 1 }),
    scheduledAt: Type.Optional(
      CalendarDate({ description: 'The earliest acceptable day; the first allowed instant at or after it is used.' }),
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    metadata: Type.Optional(Metadata),
  },
  { title: 'ChangeLicenseOfferingRequest' },
)
