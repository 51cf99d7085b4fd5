import { Type } from 'typebox'
import {
  MAX_GRADE,
  MAX_IMPORT_ROWS,
  MAX_LEASE_COUNT,
  NUMBER_STATUSES,
  NUMBER_TYPE,
} from '../../../domain/inventory/numbers.js'
import { E164 } from '../../../domain/subscriptions/subscription.js'
import { DateTime, Metadata, Nullable, PageOf, PageQuery } from '../../schemas/common.js'

const Msisdn = Type.String({ pattern: E164, description: 'E.164: `+`, then 8-15 digits.', examples: ['+46701234567'] })
const NumberType = Type.String({
  pattern: NUMBER_TYPE,
  description: 'An open set of upper-case names: CELL, DATA, M2M, LANDLINE …',
  examples: ['CELL'],
})
const Grade = Type.Integer({
  minimum: 0,
  maximum: MAX_GRADE,
  description: 'Higher is more desirable (premium numbers). Default 0.',
  examples: [5],
})
const NumberStatusSchema = Type.Enum(NUMBER_STATUSES, {
  description:
    'AVAILABLE, LEASED (held by a lease), ASSIGNED (to a subscription) or QUARANTINED (given back; free again at availableAt).',
})

export const ImportResult = Type.Object(
  {
    imported: Type.Integer({ description: 'Rows new to the inventory.' }),
    skipped: Type.Integer({ description: 'Rows the inventory already had: left as they are.' }),
  },
  { title: 'ImportResult' },
)

export const ImportNumbersBody = Type.Object(
  {
    numbers: Type.Array(
      Type.Object({ msisdn: Msisdn, type: NumberType, grade: Type.Optional(Grade), metadata: Type.Optional(Metadata) }),
      { minItems: 1, maxItems: MAX_IMPORT_ROWS, description: `Up to ${MAX_IMPORT_ROWS} numbers per call.` },
    ),
  },
  { title: 'ImportNumbersRequest' },
)

export const PoolNumber = Type.Object(
  {
    msisdn: Type.String(),
    type: Type.String(),
    grade: Type.Integer(),
    status: NumberStatusSchema,
    availableAt: DateTime({
      description: 'Since when the number is free or, while QUARANTINED, when it will be again.',
    }),
    leasedAt: Nullable(DateTime({ description: 'While LEASED: when.' })),
    expiresAt: Nullable(DateTime({ description: 'While LEASED: when the lease ends.' })),
    subscriptionId: Nullable(
      Type.String({ format: 'uuid', description: 'While ASSIGNED: the subscription that has it.' }),
    ),
    metadata: Metadata,
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'PoolNumber' },
)

export const NumberListQuery = Type.Object({
  status: Type.Optional(
    Type.Array(NumberStatusSchema, { description: 'Only these statuses (repeat, or `status[]`).' }),
  ),
  type: Type.Optional(Type.Array(NumberType, { description: 'Only these types (repeat, or `type[]`).' })),
  ...PageQuery,
})
export const NumberPage = PageOf(PoolNumber, 'NumberPage')

export const LeaseNumbersBody = Type.Object(
  {
    types: Type.Array(NumberType, {
      minItems: 1,
      maxItems: 20,
      uniqueItems: true,
      description: 'Lease numbers of any of these types.',
    }),
    count: Type.Integer({
      minimum: 1,
      maximum: MAX_LEASE_COUNT,
      description: `How many numbers (1-${MAX_LEASE_COUNT}).`,
    }),
  },
  { title: 'LeaseNumbersRequest' },
)

export const LeasedNumber = Type.Object(
  {
    msisdn: Type.String(),
    type: Type.String(),
    grade: Type.Integer(),
    availableAt: DateTime(),
    leasedAt: DateTime(),
    expiresAt: DateTime(),
    metadata: Metadata,
  },
  { title: 'LeasedNumber' },
)

export const Lease = Type.Object(
  {
    numbers: Type.Array(LeasedNumber),
    leaseToken: Type.String({
      description:
        'Send it with a leased msisdn in a SUBSCRIPTION line item. Keep it private: it is what holds the numbers.',
      examples: ['lease_3q2-7wJvX0dB8yQm4cT1sZkPfLhN6eRa'],
    }),
    expiresAt: DateTime({ description: 'One hour after the lease; unused numbers are then released.' }),
  },
  { title: 'Lease' },
)
