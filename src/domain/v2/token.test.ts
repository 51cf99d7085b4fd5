import { describe, expect, it } from 'vitest'
import { principalOf } from './token.js'

describe('V2 token claims', () => {
  it('takes the system from the accepted audience, the user from sub or email, orgs and scopes from their claims', () => {
    expect(
      principalOf(
        {
          aud: ['other', 'killflex.auth.masmovil.com'],
          sub: 'u-1',
          orgs: ['yoigo', 'jazztel'],
          scope: 'add_ons:read add_ons:write',
        },
        ['killflex.auth.masmovil.com'],
      ),
    ).toEqual({
      system: 'killflex.auth.masmovil.com',
      user: 'u-1',
      orgs: ['yoigo', 'jazztel'],
      scopes: ['read', 'write'],
    })
    expect(
      principalOf({ aud: 'crm', email: 'john.doe@masorange.es', org: 'yoigo', scp: ['add_ons:read'] }, undefined),
    ).toEqual({
      system: 'crm',
      user: 'john.doe@masorange.es',
      orgs: ['yoigo'],
      scopes: ['read'],
    })
  })

  it('falls back to N/A and to no org and no scope', () => {
    expect(principalOf({ sub: '', scope: 'profile add_ons:admin', orgs: 'yoigo' }, undefined)).toEqual({
      system: 'N/A',
      user: null,
      orgs: ['yoigo'],
      scopes: [],
    })
    expect(principalOf({ scope: 'add_ons:write' }, undefined).scopes).toEqual(['read', 'write'])
  })
})
