import type { JWTVerifyGetKey } from 'jose'
import { createRemoteJWKSet, errors, jwtVerify } from 'jose'
import type { Config } from '../../config.js'
import type { Clock } from '../../domain/shared/clock.js'
import { UnauthenticatedError } from '../../domain/shared/errors.js'
import type { V2Principal } from '../../domain/v2/token.js'
import { principalOf } from '../../domain/v2/token.js'

export type V2TokenConfig = Config['v2']

/** Leeway for clocks that disagree a little about `exp` and `nbf`. */
const CLOCK_TOLERANCE_SECONDS = 30

/** Errors about the token itself (a 401); any other failure (the key set unreachable or broken) is ours (a 500). */
const TOKEN_ERRORS = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
])

/**
 * Verifies the V2 API's bearer tokens with jose: HS256 with `OPENLINE_V2_JWT_SECRET`, RS256 or
 * ES256 with the keys at `OPENLINE_V2_JWKS_URL` (fetched and cached by jose), either or both. The
 * accepted algorithms follow from what is configured, so a token cannot pick its own (no `none`,
 * no HS256 signed with a public key). `exp` is required; `aud` and `iss` are checked when configured.
 */
export class V2TokenVerifier {
  private readonly secret: Uint8Array | undefined
  private readonly jwks: JWTVerifyGetKey | undefined
  private readonly algorithms: string[]

  constructor(
    private readonly config: V2TokenConfig | undefined,
    private readonly clock: Clock,
  ) {
    this.secret = config?.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : undefined
    this.jwks = config?.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined
    this.algorithms = [...(this.secret ? ['HS256'] : []), ...(this.jwks ? ['RS256', 'ES256'] : [])]
  }

  async verify(token: string): Promise<V2Principal> {
    if (this.algorithms.length === 0)
      throw new UnauthenticatedError(
        'auth.bearer_not_accepted',
        'This server is not configured for bearer tokens; send an X-Api-Key.',
      )
    try {
      const { payload } = await jwtVerify(token, this.keyFor, {
        algorithms: this.algorithms,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: this.clock.now(),
        ...(this.config?.jwtAudience && { audience: this.config.jwtAudience }),
        ...(this.config?.jwtIssuer && { issuer: this.config.jwtIssuer }),
      })
      return principalOf(payload, this.config?.jwtAudience)
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        throw new UnauthenticatedError('auth.token_expired', 'The bearer token has expired.')
      if (error instanceof errors.JOSEError && TOKEN_ERRORS.has(error.code)) {
        const claim = error instanceof errors.JWTClaimValidationFailed ? ` (${error.claim})` : ''
        throw new UnauthenticatedError('auth.invalid_token', `The bearer token is not valid${claim}.`)
      }
      throw error
    }
  }

  private readonly keyFor: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && this.secret) return this.secret
    if (this.jwks) return this.jwks(header, token)
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed')
  }
}
