import { Type } from 'typebox'
import { DateTime, Metadata, Nullable, PageOf, PageQuery } from '../../schemas/common.js'
import { EmbeddedGroup, EmbeddedProductOffering } from '../catalog/catalog.schemas.js'
import { SubscriptionParams } from '../subscriptions/subscriptions.schemas.js'

export const Topup = Type.Object(
  {
    topupId: Type.String({ format: 'uuid', description: 'Openline: the id of this application of the top-up.' }),
    subscriptionId: Type.String({ format: 'uuid' }),
    productOfferingId: Type.String({ examples: ['topup-data-2gb'] }),
    productOffering: EmbeddedProductOffering,
    status: Type.Enum(['PENDING', 'APPLIED', 'FAILED'], {
      description:
        'Openline: APPLIED once in effect; PENDING while a network provider applies it; FAILED when it could not.',
    }),
    appliedAt: Nullable(DateTime({ description: 'When it took effect; null until then.' })),
    metadata: Metadata,
    createdAt: DateTime(),
  },
  { title: 'Topup' },
)

export const TopupOption = Type.Object(
  {
    productOfferingId: Type.String(),
    productOffering: EmbeddedProductOffering,
    productOfferingGroupId: Nullable(Type.String()),
    group: Nullable(EmbeddedGroup),
  },
  { title: 'TopupOption' },
)

export const ApplyTopupBody = Type.Object(
  {
    productOfferingId: Type.String({
      minLength: 1,
      description: 'An AVAILABLE top-up offering that fits the plan (see topup-options).',
      examples: ['topup-data-2gb'],
    }),
    metadata: Type.Optional(Metadata),
  },
  { title: 'ApplyTopupRequest' },
)

export const TopupParams = Type.Object({
  ...SubscriptionParams.properties,
  topupId: Type.String({ format: 'uuid', description: 'The top-up.' }),
})
export const TopupListQuery = Type.Object({ ...PageQuery })
export const TopupPage = PageOf(Topup, 'TopupPage')
