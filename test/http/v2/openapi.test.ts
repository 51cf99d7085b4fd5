import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/** The committed OpenAPI document (test/http/operations.test.ts keeps it in step with the code) documents the V2 API. */
const doc = JSON.parse(readFileSync('openapi/openapi.json', 'utf8'))
const COLLECTION = '/v2/orgs/{org}/subscriptions/{subscriptionId}/add_ons'

describe('the V2 add-ons API in openapi/openapi.json', () => {
  it('lists the four operations under the v2-add-ons tag, with bearer authentication and the V2 error schema', () => {
    const operations = [
      [COLLECTION, 'get', 'listOrgSubscriptionAddOns', '200'],
      [COLLECTION, 'post', 'addOrgSubscriptionAddOn', '201'],
      [`${COLLECTION}/{addonId}`, 'get', 'getOrgSubscriptionAddOn', '200'],
      [`${COLLECTION}/{addonId}/deactivate`, 'post', 'deactivateOrgSubscriptionAddOn', '202'],
    ] as const
    for (const [path, method, operationId, success] of operations) {
      const operation = doc.paths[path]?.[method]
      expect(operation, `${method} ${path}`).toBeDefined()
      expect(operation).toMatchObject({
        operationId,
        tags: ['v2-add-ons'],
        security: [{ bearerAuth: [] }, { ApiKeyAuth: [] }],
      })
      expect(Object.keys(operation.responses)).toEqual(
        expect.arrayContaining([success, '400', '401', '403', '404', '500']),
      )
      expect(JSON.stringify(operation.responses['404'])).toContain('V2ErrorResponse')
    }
    expect(doc.tags.map((tag: { name: string }) => tag.name)).toContain('v2-add-ons')
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    })
    expect(Object.keys(doc.components.schemas.V2ErrorResponse.properties)).toEqual([
      'code',
      'message',
      'requestId',
      'errors',
    ])
  })

  it('marks the server-owned AddOn fields read-only', () => {
    const properties = doc.components.schemas.V2AddOn.properties as Record<string, { readOnly?: boolean }>
    const readOnly = Object.keys(properties).filter((name) => properties[name]?.readOnly)
    expect(readOnly.sort()).toEqual(
      [
        'creation_date',
        'creation_system',
        'creation_user',
        'last_updated_date',
        'status',
        'deactivation_date',
        'deactivation_system',
        'deactivation_user',
      ].sort(),
    )
    const ref = doc.paths[COLLECTION].post.requestBody.content['application/json'].schema.$ref as string
    expect(ref).toBe('#/components/schemas/V2AddOnRequest')
    const body = doc.components.schemas.V2AddOnRequest
    expect(body.required).toEqual(['catalogue_add_on_id'])
    expect(body.properties.status.readOnly).toBe(true)
  })
})
