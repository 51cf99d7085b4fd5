/**
 * Every error code the API answers with, its HTTP status (on the Connect API; a few codes answer
 * with more than one, listed in order) and what it means. The error constructors
 * (domain/shared/errors.ts, http/problem.ts) take only a code from this list, so a new code is
 * added here first, and docs/compatibility.md lists them all (`npm run docs:error-codes`).
 */
export type HttpStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 422 | 500 | 503

export interface ErrorCodeEntry {
  status: HttpStatus | readonly HttpStatus[]
  meaning: string
}

export const ERROR_CODES = {
  'addon.ambiguous': {
    status: 422,
    meaning: 'Several attached add-ons match what the request named; the problem lists them to pick one by id.',
  },
  'addon.change_incompatible': { status: 422, meaning: 'An add-on changes only to another offering of its own group.' },
  'addon.incompatible_with_plan': { status: 422, meaning: 'The add-on offering does not fit the subscription’s plan.' },
  'addon.is_active': { status: 409, meaning: 'The add-on is ACTIVE, which does not allow this (e.g. activating it).' },
  'addon.is_cancelled': { status: 409, meaning: 'The add-on is CANCELLED: it no longer changes, ends or provisions.' },
  'addon.is_expired': { status: 409, meaning: 'The add-on is EXPIRED: it no longer changes, ends or provisions.' },
  'addon.is_pending': { status: 409, meaning: 'The add-on is PENDING, which does not allow this.' },
  'addon.limit_reached': {
    status: 422,
    meaning: 'The subscription already holds as many add-ons of this offering as it may (maxPerSubscription).',
  },
  'addon.not_found': { status: 422, meaning: 'No attached add-on on the subscription matches what the request named.' },
  'addon.not_named': {
    status: 422,
    meaning: 'The request names no add-on: send subscriptionAddonId or productOfferingId.',
  },
  'addon.offering_archived': { status: 422, meaning: 'The add-on offering is archived and can no longer be chosen.' },
  'addon.offering_not_an_addon': {
    status: 422,
    meaning: 'The offering is not a SUBSCRIPTION_ADDON (a top-up goes through /topups).',
  },
  'addon.offering_unchanged': { status: 422, meaning: 'The add-on is already on the offering asked for.' },
  'addon.provisioning_not_failed': { status: 409, meaning: 'Only a FAILED provisioning can be retried.' },
  'addon.subscription_cancellation_pending': {
    status: 422,
    meaning: 'The subscription is cancelled before the add-on (or its change) would apply.',
  },
  'addon.subscription_cancelled': {
    status: 422,
    meaning: 'A cancelled subscription takes no add-ons and they do not change.',
  },
  'api_key.not_found': { status: 404, meaning: 'No API key with this id for the tenant.' },
  'api_key.unknown_scope': { status: 422, meaning: 'The API key asks for a scope the API does not know.' },
  'auth.bearer_not_accepted': { status: 401, meaning: 'A bearer token was sent, but this server accepts none.' },
  'auth.invalid_api_key': { status: 401, meaning: 'The API key is unknown, malformed or revoked.' },
  'auth.invalid_authorization': { status: 401, meaning: 'The Authorization header is not `Bearer <JWT>`.' },
  'auth.invalid_token': {
    status: 401,
    meaning: 'The bearer token is not valid: bad signature, audience, issuer or claims.',
  },
  'auth.missing_api_key': { status: 401, meaning: 'No X-Api-Key header.' },
  'auth.missing_credentials': { status: 401, meaning: 'Neither a bearer token nor an API key was sent (V2 API).' },
  'auth.missing_scope': { status: 403, meaning: 'The credential lacks the scope this operation needs.' },
  'auth.token_expired': { status: 401, meaning: 'The bearer token has expired.' },
  'catalog.concurrent_write': {
    status: 409,
    meaning: 'Another write created some of the catalog items at the same moment; nothing was imported.',
  },
  'catalog.invalid_document': { status: 400, meaning: 'The catalog document breaks its schema; nothing was imported.' },
  'catalog.unreadable_document': { status: 400, meaning: 'The catalog file is not valid YAML or JSON.' },
  'customer.not_found': {
    status: [404, 422],
    meaning: 'No such customer: 404 in the path, 422 when named in the body.',
  },
  'customer.reference_taken': { status: 409, meaning: 'Another customer already has this referenceId.' },
  'customer_user.not_found': { status: 404, meaning: 'No such user of the customer.' },
  'database.unreachable': { status: 503, meaning: 'The readiness check could not reach the database.' },
  'event.not_found': { status: 404, meaning: 'No event with this id for the tenant.' },
  'idempotency.invalid_key': { status: 400, meaning: 'More than one X-Idempotency-Key header, or an unusable one.' },
  'idempotency.key_reused': {
    status: 409,
    meaning: 'The idempotency key was already used for a different request.',
  },
  'idempotency.request_in_progress': {
    status: 409,
    meaning: 'A request with this idempotency key is still being processed.',
  },
  'internal.error': { status: 500, meaning: 'An unexpected error; it was logged. Quote the requestId.' },
  'inventory.invalid_import': {
    status: 400,
    meaning: 'The numbers or SIMs to import have problems; nothing was imported.',
  },
  'inventory.lease_expired': { status: 422, meaning: 'The number lease has expired or was released; lease again.' },
  'inventory.lease_invalid': { status: 422, meaning: 'The lease token is not one this tenant was given.' },
  'inventory.lease_required': {
    status: 422,
    meaning: 'The number is in the pool: lease it and send its leaseToken.',
  },
  'inventory.not_leased': { status: 422, meaning: 'A leaseToken was sent for a number that is not in the pool.' },
  'inventory.number_not_in_lease': { status: 422, meaning: 'The number is not held by this lease.' },
  'inventory.numbers_unavailable': { status: 422, meaning: 'Fewer free numbers of the type than asked for.' },
  'inventory.sim_not_found': { status: 422, meaning: 'No SIM with this ICCID in the inventory.' },
  'inventory.sim_type_mismatch': {
    status: 422,
    meaning: 'The SIM is physical where an eSIM is asked for, or the reverse.',
  },
  'inventory.sim_unavailable': { status: 422, meaning: 'No eSIM is free in the inventory.' },
  'inventory.unreadable_file': { status: 400, meaning: 'The inventory file is neither CSV nor valid JSON.' },
  'inventory_import.not_found': { status: 404, meaning: 'Portal: no inventory import with this id for the tenant.' },
  'job.already_queued': {
    status: 409,
    meaning: 'Portal: another job with the same key is queued or running, so this failed one is not retried.',
  },
  'job.not_failed': {
    status: 409,
    meaning: 'Portal: only a failed job can be retried; this one is queued, running or done.',
  },
  'job.not_found': { status: 404, meaning: 'Portal: no background job with this id for the tenant.' },
  'license.activation_pending': {
    status: 409,
    meaning: 'A scheduled license activation cannot be withdrawn; cancel the license instead.',
  },
  'license.cancellation_pending': {
    status: 409,
    meaning: 'The license is cancelled from a date; withdraw the cancellation first.',
  },
  'license.creation_disabled': { status: 422, meaning: 'This tenant creates licenses through orders only.' },
  'license.is_active': { status: 409, meaning: 'The license is ACTIVE, which does not allow this.' },
  'license.is_blocked': { status: 409, meaning: 'The license is BLOCKED, which does not allow this.' },
  'license.is_cancelled': { status: 409, meaning: 'The license is CANCELLED, which allows no change.' },
  'license.is_paused': { status: 409, meaning: 'The license is PAUSED, which does not allow this.' },
  'license.is_pending': { status: 409, meaning: 'The license is PENDING, which does not allow this.' },
  'license.not_found': { status: 404, meaning: 'No license with this id for the tenant.' },
  'license.offering_incompatible': { status: 422, meaning: 'The license cannot change to this offering.' },
  'license.offering_not_a_license': { status: 422, meaning: 'The offering is not a LICENSE offering.' },
  'license.offering_unchanged': { status: 422, meaning: 'The license is already on the offering asked for.' },
  'license.reference_taken': { status: 409, meaning: 'Another license already has this referenceId.' },
  'license.subscription_cancelled': {
    status: 422,
    meaning: 'A license cannot be assigned to a cancelled subscription.',
  },
  'license.subscription_other_customer': { status: 422, meaning: 'The subscription belongs to another customer.' },
  'money.invalid_amount': { status: 400, meaning: 'The amount has more decimals than its currency allows.' },
  'money.invalid_currency': { status: 400, meaning: 'Not an ISO 4217 currency code.' },
  'order.customer_missing': { status: 422, meaning: 'The order has no customer to fulfil it for.' },
  'order.invalid': { status: 422, meaning: 'The order is not complete or not valid; see its validation.' },
  'order.is_cancelled': { status: 409, meaning: 'The order is CANCELLED, which does not allow this.' },
  'order.is_completed': { status: 409, meaning: 'The order is COMPLETED, which does not allow this.' },
  'order.is_expired': { status: 409, meaning: 'The order is EXPIRED, which does not allow this.' },
  'order.is_failed': { status: 409, meaning: 'The order is FAILED, which does not allow this.' },
  'order.is_pending': { status: 409, meaning: 'The order is PENDING, which does not allow this.' },
  'order.is_pending_approval': { status: 409, meaning: 'The order is PENDING_APPROVAL, which does not allow this.' },
  'order.is_pending_payment': { status: 409, meaning: 'The order is PENDING_PAYMENT, which does not allow this.' },
  'order.is_processing': { status: 409, meaning: 'The order is PROCESSING, which does not allow this.' },
  'order.is_submitted': { status: 409, meaning: 'The order is SUBMITTED, which does not allow this.' },
  'order.line_item_exists': { status: 409, meaning: 'The order already has a line item with this id.' },
  'order.line_item_failed': {
    status: 422,
    meaning: 'A line item failed while the order was fulfilled; `cause` names the error behind it.',
  },
  'order.line_item_id_mismatch': { status: 422, meaning: 'The body’s lineItemId is not the one in the path.' },
  'order.line_item_invalid': { status: 422, meaning: 'The line item cannot be ordered as it stands.' },
  'operator.email_taken': { status: 409, meaning: 'An operator with this e-mail address exists already.' },
  'operator.invalid_email': { status: 400, meaning: 'The operator e-mail address is not a valid address.' },
  'operator.invalid_role': { status: 400, meaning: 'An operator role is admin, operator or viewer.' },
  'operator.not_found': { status: 404, meaning: 'No operator with this e-mail address.' },
  'operator.weak_password': { status: 400, meaning: 'An operator password needs at least 12 characters.' },
  'order.not_found': { status: 404, meaning: 'No order with this id for the tenant.' },
  'order.requirements_not_met': { status: 422, meaning: 'The order lacks what it needs before it can be submitted.' },
  'order_line_item.not_found': { status: 404, meaning: 'No line item with this id on the order.' },
  'org.not_found': { status: 404, meaning: 'No such V2 org, or one the credentials may not use.' },
  'pagination.cursor_and_offset': { status: 400, meaning: 'A list takes a cursor or an offset, not both.' },
  'pagination.invalid_cursor': { status: 400, meaning: 'The cursor is not one this API issued.' },
  'pending_product_offering.not_found': { status: 404, meaning: 'There is no pending offering change to withdraw.' },
  'pending_status.not_found': { status: 404, meaning: 'There is no pending status change to withdraw.' },
  'portal.csrf_failed': { status: 403, meaning: 'Portal: the form came without its CSRF token, or with a wrong one.' },
  'portal.role_forbidden': {
    status: 403,
    meaning: 'Portal: the operator’s role in this tenant does not allow the action.',
  },
  'porting.invalid_details': {
    status: [422, 400],
    meaning: 'The porting details are incomplete or wrong: 422 starting a port-in, 400 correcting one.',
  },
  'porting.not_editable': {
    status: 409,
    meaning: 'The port-in’s details can only be corrected while it is PENDING or IN_PROGRESS.',
  },
  'porting.not_found': { status: 404, meaning: 'No port-in with this id for the tenant.' },
  'porting.number_in_pool': { status: 422, meaning: 'The number is in the tenant’s own pool: lease it instead.' },
  'porting.number_in_progress': { status: 409, meaning: 'The number is already being ported in.' },
  'porting.number_in_use': { status: 422, meaning: 'The number already belongs to one of the tenant’s subscriptions.' },
  'porting.unavailable': { status: 422, meaning: 'The tenant has no porting provider set.' },
  'porting.unsupported_number': { status: 422, meaning: 'Numbers with this prefix cannot be ported in.' },
  'product_offering.already_exists': { status: 409, meaning: 'A product offering with this id already exists.' },
  'product_offering.invalid': {
    status: 400,
    meaning: 'The product offering body is invalid; errors lists each field.',
  },
  'product_offering.not_found': {
    status: [404, 422],
    meaning: 'No such product offering: 404 in the path, 422 when named in the body.',
  },
  'product_offering.not_orderable': { status: 422, meaning: 'The offering is archived and can no longer be ordered.' },
  'product_offering.type_immutable': { status: 409, meaning: 'An offering’s product type cannot change.' },
  'product_offering_group.already_exists': {
    status: 409,
    meaning: 'A product offering group with this id already exists.',
  },
  'product_offering_group.not_found': {
    status: [404, 422],
    meaning: 'No such product offering group: 404 in the path, 422 when named in the body.',
  },
  'promotion.already_exists': { status: 409, meaning: 'A promotion with this code already exists.' },
  'promotion.invalid': { status: 400, meaning: 'The promotion body is invalid; errors lists each field.' },
  'promotion.not_applicable': { status: 422, meaning: 'The promotion code cannot be applied to this offering.' },
  'promotion.not_found': { status: 404, meaning: 'No promotion with this code for the tenant.' },
  'request.body_too_large': { status: 413, meaning: 'The body is larger than the route’s limit (1 MiB; imports 4).' },
  'request.dry_run_unsupported': {
    status: 400,
    meaning: 'The request asks for Prefer: dry-run on a write that cannot be previewed (see "Dry-run").',
  },
  'request.invalid': { status: 400, meaning: 'Another request error, with the 4xx status the HTTP server chose.' },
  'request.invalid_date': { status: 400, meaning: 'A date or instant that cannot be read (V2 API).' },
  'request.invalid_filter': { status: 400, meaning: 'A list filter that cannot be read (V2 API).' },
  'request.invalid_id': { status: 400, meaning: 'A path id that is neither a UUID nor rid_<reference>.' },
  'request.malformed_json': { status: 400, meaning: 'The body is not valid JSON.' },
  'request.method_not_allowed': { status: 405, meaning: 'The path exists but not with this method; see Allow.' },
  'request.unsupported_media_type': { status: 400, meaning: 'The body is not sent as application/json.' },
  'request.invalid_characters': {
    status: 400,
    meaning: 'A field holds the NUL character (U+0000), which cannot be stored; errors names it.',
  },
  'request.validation_failed': { status: 400, meaning: 'The request breaks its schema; errors lists each field.' },
  'route.not_found': { status: 404, meaning: 'There is no such route.' },
  'schedule.date_in_past': {
    status: 422,
    meaning: 'A day to schedule a change on is already over in the tenant’s calendar (today means now).',
  },
  'sim.not_found': { status: 404, meaning: 'No SIM with this id in the tenant’s inventory.' },
  'subscriber.not_found': {
    status: [404, 422],
    meaning: 'No such subscriber: 404 in the path, 422 when named in the body.',
  },
  'subscriber.other_customer': { status: 422, meaning: 'The subscriber belongs to another customer.' },
  'subscription.cancel_comment_required': { status: 422, meaning: 'A cancellation with reason OTHER needs a comment.' },
  'subscription.cancellation_pending': {
    status: 409,
    meaning: 'The subscription is cancelled from a date; withdraw the cancellation first.',
  },
  'subscription.direct_creation_disabled': {
    status: 422,
    meaning: 'This tenant creates subscriptions through orders only.',
  },
  'subscription.esim_not_provisioned': {
    status: 409,
    meaning: 'The subscription has no eSIM from the inventory in use.',
  },
  'subscription.is_activated': { status: 409, meaning: 'The subscription is ACTIVATED, which does not allow this.' },
  'subscription.is_blocked': { status: 409, meaning: 'The subscription is BLOCKED, which does not allow this.' },
  'subscription.is_cancelled': { status: 409, meaning: 'The subscription is CANCELLED, which allows no change.' },
  'subscription.is_paused': { status: 409, meaning: 'The subscription is PAUSED, which does not allow this.' },
  'subscription.is_pending': { status: 409, meaning: 'The subscription is PENDING, which does not allow this.' },
  'subscription.lease_without_number': { status: 400, meaning: 'A leaseToken goes with the leased msisdn it holds.' },
  'subscription.msisdn_in_use': {
    status: 409,
    meaning: 'The number belongs to another subscription that has not ended.',
  },
  'subscription.not_esim': { status: 409, meaning: 'The subscription uses a physical SIM: it has no activation code.' },
  'subscription.not_found': {
    status: [404, 422],
    meaning: 'No such subscription: 404 in the path, 422 when named in the body.',
  },
  'subscription.offering_incompatible': { status: 422, meaning: 'The subscription cannot change to this plan.' },
  'subscription.offering_not_a_plan': { status: 422, meaning: 'The offering is not a SUBSCRIPTION plan.' },
  'subscription.offering_unchanged': { status: 422, meaning: 'The subscription is already on the plan asked for.' },
  'subscription.reference_taken': { status: 409, meaning: 'Another subscription already has this referenceId.' },
  'subscription_addon.id_taken': {
    status: 409,
    meaning: 'An add-on with this client-chosen id exists, added by a different request.',
  },
  'subscription_addon.not_found': { status: 404, meaning: 'No such add-on on the subscription.' },
  'subscription_addon.reference_taken': { status: 409, meaning: 'Another add-on already has this referenceId.' },
  'tenant.invalid_name': { status: 422, meaning: 'A tenant name is 1-63 lower-case letters, digits or dashes.' },
  'tenant.invalid_settings': { status: 400, meaning: 'The tenant settings are invalid; errors lists each field.' },
  'tenant.invalid_time_zone': {
    status: [422, 400],
    meaning: 'Not an IANA time zone: 422 creating a tenant, 400 in its settings.',
  },
  'tenant.name_taken': { status: 409, meaning: 'A tenant with this name already exists.' },
  'tenant.not_found': { status: 404, meaning: 'No such tenant.' },
  'tenant.v2_org_taken': { status: 409, meaning: 'Another tenant already answers to this V2 org.' },
  'test_clock.invalid_advance': { status: 400, meaning: 'Send exactly one of `to` or `by`.' },
  'test_clock.invalid_duration': { status: 400, meaning: 'Not an ISO 8601 duration.' },
  'test_clock.not_forward': { status: 422, meaning: 'Test clocks only move forward.' },
  'test_clock.not_sandbox': { status: 403, meaning: 'Test clocks exist only for sandbox tenants.' },
  'topup.not_a_topup': { status: 422, meaning: 'The offering is not a top-up.' },
  'topup.not_compatible': { status: 422, meaning: 'The top-up does not fit the subscription’s plan.' },
  'topup.not_found': { status: 404, meaning: 'No such top-up on the subscription.' },
  'topup.subscription_not_active': { status: 422, meaning: 'Only an ACTIVATED subscription can be topped up.' },
  'user.not_found': { status: [404, 422], meaning: 'No such user: 404 in the path, 422 when named in the body.' },
  'user.reference_taken': { status: 409, meaning: 'Another user already has this referenceId.' },
  'webhook.invalid_replay_window': { status: 400, meaning: 'A replay’s `until` is not after its `since`.' },
  'webhook.replay_too_large': {
    status: 422,
    meaning: 'A replay would queue more than 10 000 events; narrow `since`/`until`.',
  },
  'webhook.unknown_event_type': {
    status: 400,
    meaning: 'An event type (or `prefix.*` pattern) names no type GET /webhook-event-types lists.',
  },
  'webhook_delivery.not_found': { status: 404, meaning: 'No such webhook delivery.' },
  'webhook_delivery.still_queued': {
    status: 409,
    meaning: 'The delivery is still pending or paused; it goes out without a retry.',
  },
  'webhook_endpoint.invalid_headers': {
    status: 400,
    meaning: 'An endpoint header has an invalid name or value, or is one Openline sets itself.',
  },
  'webhook_endpoint.not_found': { status: 404, meaning: 'No such webhook endpoint.' },
  'webhook_endpoint.url_blocked': {
    status: 422,
    meaning: 'The endpoint URL is a literal address in a blocked range (loopback, private, link-local…).',
  },
  'webhook_endpoint.url_invalid': {
    status: 400,
    meaning: 'The endpoint URL is not an http(s) URL with a host and without credentials.',
  },
} as const satisfies Record<string, ErrorCodeEntry>

export type ErrorCode = keyof typeof ERROR_CODES

type StatusesOf<C extends ErrorCode> = (typeof ERROR_CODES)[C]['status'] extends infer S
  ? S extends readonly (infer One)[]
    ? One
    : S
  : never

/** The codes that may answer with `status`: `CodeWithStatus<409>` is every conflict code. */
export type CodeWithStatus<S extends HttpStatus> = { [C in ErrorCode]: S extends StatusesOf<C> ? C : never }[ErrorCode]

/** The resources a 404 `<resource>.not_found` names. */
export type NotFoundResource =
  CodeWithStatus<404> extends infer C ? (C extends `${infer R}.not_found` ? R : never) : never

export const statusesOf = (code: ErrorCode): readonly HttpStatus[] => {
  const status: ErrorCodeEntry['status'] = ERROR_CODES[code].status
  return typeof status === 'number' ? [status] : status
}
