import type { BillingMethod } from '../domain/parties/contact.js'
import type { Address, CustomerType, CustomerUserRole, Shipping } from '../domain/parties/party.js'
import { compact } from '../domain/parties/party.js'
import type { MemberRow } from '../persistence/repositories/customer-user.repository.js'
import type { CustomerRow } from '../persistence/repositories/customer.repository.js'
import type { SubscriberRow, SubscriberWithCustomer } from '../persistence/repositories/subscriber.repository.js'
import type { UserRow } from '../persistence/repositories/user.repository.js'

/**
 * Customers, users and subscribers in their Connect API wire shape (3.9, 3.10). Routes render these
 * as they are, and events carry them as their snapshot. Absent optional values are left out, never
 * `null`.
 */

export interface CustomerUserView {
  userId: string
  name: string
  role: CustomerUserRole
}

/** The contact person, embedded with the details one needs to contact them. */
export interface ContactPersonView {
  userId: string
  name: string
  email?: string
  msisdn?: string
}

export interface CustomerView {
  customerId: string
  customerType: CustomerType
  name: string
  identity?: string
  preferredLocale?: string
  humanReadableId: string
  contact: { email?: string; msisdn?: string }
  billing: {
    method: BillingMethod
    email?: string
    address?: Address
    currency: string
    defaultPaymentProfileId?: string
    autoPay: boolean
  }
  users: CustomerUserView[]
  contactPersonUserId?: string
  contactPerson?: ContactPersonView
  shipping?: Shipping
  referenceId?: string
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

export interface UserView {
  userId: string
  name: string
  email?: string
  msisdn?: string
  identity?: string
  customerIds: string[]
  referenceId?: string
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

export interface EmbeddedCustomerView {
  customerId: string
  name: string
}

export interface SubscriberView {
  subscriberId: string
  name: string
  email?: string
  address?: Address
  customerId: string
  customer: EmbeddedCustomerView
  subscriptionIds: string[]
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

export interface EmbeddedSubscriberView {
  subscriberId: string
  name: string
  email?: string
  address?: Address
  createdAt: Date
  updatedAt: Date
}

const opt = <T>(value: T | null): T | undefined => value ?? undefined

export function toCustomerView(
  row: CustomerRow,
  members: MemberRow[],
  contactPerson: UserRow | undefined,
): CustomerView {
  return compact({
    customerId: row.id,
    customerType: row.customerType,
    name: row.name,
    identity: opt(row.identity),
    preferredLocale: opt(row.preferredLocale),
    humanReadableId: row.humanReadableId,
    contact: compact({ email: opt(row.contactEmail), msisdn: opt(row.contactMsisdn) }),
    billing: compact({
      method: row.billingMethod,
      email: opt(row.billingEmail),
      address: opt(row.billingAddress),
      currency: row.billingCurrency,
      defaultPaymentProfileId: opt(row.defaultPaymentProfileId),
      autoPay: row.autoPay,
    }),
    users: members.map((m) => ({ userId: m.userId, name: m.name, role: m.role })),
    contactPersonUserId: opt(row.contactPersonUserId),
    contactPerson:
      contactPerson &&
      compact({
        userId: contactPerson.id,
        name: contactPerson.name,
        email: opt(contactPerson.email),
        msisdn: opt(contactPerson.msisdn),
      }),
    shipping: opt(row.shipping),
    referenceId: opt(row.referenceId),
    metadata: row.metadata,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  })
}

export function toUserView(row: UserRow, customerIds: string[]): UserView {
  return compact({
    userId: row.id,
    name: row.name,
    email: opt(row.email),
    msisdn: opt(row.msisdn),
    identity: opt(row.identity),
    customerIds,
    referenceId: opt(row.referenceId),
    metadata: row.metadata,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  })
}

export function toSubscriberView(row: SubscriberWithCustomer, subscriptionIds: string[]): SubscriberView {
  return compact({
    subscriberId: row.id,
    name: row.name,
    email: opt(row.email),
    address: opt(row.address),
    customerId: row.customerId,
    customer: { customerId: row.customerId, name: row.customerName },
    subscriptionIds,
    metadata: row.metadata,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  })
}

export const embedCustomer = (c: CustomerView): EmbeddedCustomerView => ({ customerId: c.customerId, name: c.name })

export const embedSubscriber = (s: SubscriberView): EmbeddedSubscriberView =>
  compact({
    subscriberId: s.subscriberId,
    name: s.name,
    email: s.email,
    address: s.address,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  })

/** A subscriber row as other resources embed it (what `embedSubscriber` keeps of its view). */
export const embedSubscriberRow = (row: SubscriberRow): EmbeddedSubscriberView =>
  compact({
    subscriberId: row.id,
    name: row.name,
    email: opt(row.email),
    address: opt(row.address),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  })
