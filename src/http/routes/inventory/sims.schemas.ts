import { Type } from 'typebox'
import { MAX_IMPORT_ROWS } from '../../../domain/inventory/numbers.js'
import { ICCID, IMPORT_STATUSES, IMSI, LPA, PIN, PUK, SIM_STATUSES, SIM_TYPES } from '../../../domain/inventory/sims.js'
import { DateTime, Metadata, Nullable, PageOf, PageQuery } from '../../schemas/common.js'

const Iccid = Type.String({
  pattern: ICCID,
  description: '18-22 digits ending in a Luhn check digit.',
  examples: ['8946000000000000004'],
})
const SimTypeSchema = Type.Enum(SIM_TYPES)
const SimStatusSchema = Type.Enum(SIM_STATUSES, {
  description:
    'AVAILABLE; RESERVED for an order; IN_USE by a subscription; CONSUMED (its subscription ended); BRAND_RESERVED (held back for a brand).',
})

export const ImportSimsBody = Type.Object(
  {
    sims: Type.Array(
      Type.Object({
        iccid: Iccid,
        type: SimTypeSchema,
        status: Type.Optional(Type.Enum(IMPORT_STATUSES, { description: 'Default AVAILABLE.' })),
        imsi: Type.Optional(Type.String({ pattern: IMSI })),
        lpa: Type.Optional(
          Type.String({
            pattern: LPA,
            description: 'Required for an eSIM: its activation code, `1$<SM-DP+ address>$<matching id>`.',
            examples: ['1$rsp.example.com$ABCD1234'],
          }),
        ),
        puk1: Type.Optional(Type.String({ pattern: PUK })),
        puk2: Type.Optional(Type.String({ pattern: PUK })),
        pin: Type.Optional(Type.String({ pattern: PIN })),
        metadata: Type.Optional(Metadata),
      }),
      { minItems: 1, maxItems: MAX_IMPORT_ROWS, description: `Up to ${MAX_IMPORT_ROWS} SIMs per call.` },
    ),
  },
  { title: 'ImportSimsRequest' },
)

export const Sim = Type.Object(
  {
    iccid: Type.String(),
    type: SimTypeSchema,
    status: SimStatusSchema,
    imsi: Nullable(Type.String()),
    lpa: Nullable(Type.String({ description: 'The eSIM activation code; null for a physical SIM.' })),
    esimProfile: Nullable(
      Type.Object(
        {
          status: Type.String({
            description:
              'AVAILABLE, ALLOCATED (reserved), RELEASED (ready to download), UNAVAILABLE (subscription ended).',
          }),
          eid: Nullable(Type.String({ description: 'The eUICC id of the device that downloaded it.' })),
          lastOperationAt: DateTime(),
        },
        { description: 'The eSIM profile at the SM-DP+ (simulated); null for a physical SIM.' },
      ),
    ),
    subscriptionId: Nullable(Type.String({ format: 'uuid', description: 'The subscription that uses (or used) it.' })),
    metadata: Metadata,
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'Sim' },
)

export const SimPuk = Type.Object(
  {
    iccid: Type.String(),
    puk1: Nullable(Type.String()),
    puk2: Nullable(Type.String()),
  },
  { title: 'SimPuk' },
)

export const SimParams = Type.Object({ iccid: Iccid })
export const SimListQuery = Type.Object({
  status: Type.Optional(Type.Array(SimStatusSchema, { description: 'Only these statuses (repeat, or `status[]`).' })),
  type: Type.Optional(Type.Array(SimTypeSchema, { description: 'Only these types (repeat, or `type[]`).' })),
  ...PageQuery,
})
export const SimPage = PageOf(Sim, 'SimPage')
