import { Type } from 'typebox'
import { EntityId, Nullable, PageOf, PageQuery } from '../../schemas/common.js'
import { Email, MetadataBody, Msisdn, Name, ReferenceId, User } from './party.schemas.js'

const Identity = Type.String({ minLength: 1, maxLength: 64, description: 'Personal identity number.' })

export const CreateUserBody = Type.Object(
  {
    name: Name("The user's full name."),
    email: Type.Optional(Email()),
    msisdn: Type.Optional(Msisdn("The user's mobile number, E.164.")),
    identity: Type.Optional(Identity),
    referenceId: Type.Optional(ReferenceId('user')),
    metadata: Type.Optional(MetadataBody()),
  },
  { title: 'CreateUserRequest' },
)

export const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(Name()),
    email: Type.Optional(Nullable(Email())),
    msisdn: Type.Optional(Nullable(Msisdn())),
    identity: Type.Optional(Nullable(Identity)),
    referenceId: Type.Optional(Nullable(ReferenceId('user'))),
    metadata: Type.Optional(MetadataBody('Replaces the metadata as a whole.')),
  },
  {
    title: 'UpdateUserRequest',
    description: 'A partial update: absent fields keep their value, `null` clears an optional one.',
  },
)

export const UserParams = Type.Object({ userId: EntityId('The user.') })

export const UserListQuery = Type.Object({
  ...PageQuery,
  customerId: Type.Optional(EntityId('Only users who may act for this customer.')),
  filter: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Case-insensitive search in the name, e-mail, msisdn and reference.',
    }),
  ),
})

export const UserPage = PageOf(User, 'UserPage')
