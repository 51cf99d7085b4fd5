import { Type } from 'typebox'
import { PASSCODE_MASK } from '../../../domain/porting/details.js'
import { CalendarDate, DateTime, FreeObject, Nullable } from '../../schemas/common.js'
import { PortInStatusSchema, Subscription } from './subscriptions.schemas.js'

const Text = (maxLength: number, options: { description?: string; examples?: string[] } = {}) =>
  Type.String({ minLength: 1, maxLength, ...options })

export const USPortingDetails = Type.Object(
  {
    firstName: Text(100, { examples: ['Ada'] }),
    lastName: Text(100, { examples: ['Lovelace'] }),
    address: Type.Object(
      {
        street1: Text(200, { examples: ['1 Main St'] }),
        street2: Type.Optional(Text(200)),
        city: Text(100, { examples: ['San Francisco'] }),
        state: Type.String({ pattern: '^[A-Z]{2}$', examples: ['CA'] }),
        zip: Type.String({ pattern: '^[0-9]{5}(-[0-9]{4})?$', examples: ['94105'] }),
        country: Type.Optional(Type.Literal('US')),
      },
      { description: 'The service address the current operator has on file.' },
    ),
    accountNumber: Text(50, { description: 'The account number at the current operator.' }),
    passcode: Type.Optional(
      Type.String({
        description: `The port-out PIN or passcode of the current operator (4-20 letters or digits). Always shown as \`${PASSCODE_MASK}\`; send \`${PASSCODE_MASK}\` back to keep the stored one. Gone once the port-in has ended.`,
      }),
    ),
  },
  { title: 'USPortingDetails', description: 'For +1 numbers (reference 3.8).' },
)

export const SwedishPortingDetails = Type.Object(
  {
    identityNumber: Type.String({
      description:
        'The holder’s personnummer (or samordningsnummer), YYYYMMDD-NNNN, or organisationsnummer, NNNNNN-NNNN; Luhn-checked.',
      examples: ['19811218-9876'],
    }),
    currentOperator: Text(100, { description: 'The operator the number is with today.', examples: ['Telia'] }),
  },
  {
    title: 'SwedishPortingDetails',
    description: 'For +46 numbers (Openline’s shape: the reference does not show one).',
  },
)

export const Porting = Type.Object(
  {
    portInId: Type.String({
      format: 'uuid',
      description: 'Openline: the port-in’s id (the `resource.id` of its events).',
    }),
    subscriptionId: Type.String({ format: 'uuid' }),
    msisdn: Type.String({ description: 'The number being ported in (E.164).', examples: ['+15551234567'] }),
    status: PortInStatusSchema,
    direction: Type.Enum(['INBOUND', 'OUTBOUND']),
    // Typed for the document; the service renders the details the domain checked (a record).
    details: Type.Unsafe<Record<string, unknown>>({
      anyOf: [USPortingDetails, SwedishPortingDetails],
      description: 'What the current operator needs; the shape follows the number’s country.',
    }),
    scheduledAt: Nullable(
      CalendarDate({ description: 'The port day (tenant time zone), once the current operator agreed one.' }),
    ),
    temporaryMsisdn: Nullable(
      Type.String({
        description: 'Openline: the pool number the line uses until the port completes; it goes to quarantine then.',
      }),
    ),
    rejection: Nullable(
      Type.Object(
        { reason: Type.String(), rejectedAt: DateTime() },
        {
          description:
            'Openline: why the current operator rejected these details. Correct them (POST) and the port-in is submitted again.',
        },
      ),
    ),
    failure: Nullable(
      Type.Object(
        { reason: Type.String(), failedAt: DateTime() },
        { description: 'Openline: why the port-in FAILED (final).' },
      ),
    ),
    providerReference: Nullable(Type.String({ description: 'Openline: the porting provider’s reference.' })),
    completedAt: Nullable(DateTime()),
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'Porting' },
)

export const UpdatePortingBody = Type.Object(
  {
    details: FreeObject({
      description:
        'The corrected details, complete, in the shape of the number’s country: for +1 numbers `{firstName, lastName, address {street1, street2?, city, state, zip}, accountNumber, passcode}`, for +46 numbers `{identityNumber, currentOperator}`.',
    }),
  },
  { title: 'UpdatePortingRequest' },
)

export const UpdatePortingResponse = Type.Object({ subscription: Subscription }, { title: 'UpdatePortingResponse' })
