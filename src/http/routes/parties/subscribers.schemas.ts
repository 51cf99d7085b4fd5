import { Type } from 'typebox'
import { EntityId, Nullable, PageOf, PageQuery } from '../../schemas/common.js'
import { Address, Email, MetadataBody, Name, Subscriber } from './party.schemas.js'

export const UpdateSubscriberBody = Type.Object(
  {
    name: Type.Optional(Name("The subscriber's name.")),
    email: Type.Optional(Nullable(Email())),
    address: Type.Optional(Nullable(Address)),
    metadata: Type.Optional(MetadataBody('Replaces the metadata as a whole.')),
  },
  {
    title: 'UpdateSubscriberRequest',
    description: 'A partial update: absent fields keep their value, `null` clears email or address.',
  },
)

export const SubscriberParams = Type.Object({
  subscriberId: Type.String({ format: 'uuid', description: 'The subscriber.' }),
})

export const SubscriberListQuery = Type.Object({
  ...PageQuery,
  customerId: Type.Optional(
    Type.Array(EntityId('A customer.'), {
      maxItems: 100,
      description: 'Only subscribers of these customers (repeat the parameter; UUID or `rid_`).',
    }),
  ),
  subscriptionId: Type.Optional(
    Type.Array(EntityId('A subscription.'), {
      maxItems: 100,
      description: 'Only the subscribers of these subscriptions (repeat the parameter; UUID or `rid_`).',
    }),
  ),
})

export const SubscriberPage = PageOf(Subscriber, 'SubscriberPage')
