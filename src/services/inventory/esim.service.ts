import QRCode from 'qrcode'
import { ConflictError } from '../../domain/shared/errors.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import type { RequestContext } from '../context.js'
import type { EventService } from '../event.service.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import type { UnitOfWork } from '../unit-of-work.js'
import type { SimService } from './sim.service.js'

/** How long an issued QR code is offered for; after that the client asks for a new one. */
export const QR_CODE_TTL_MS = 24 * 60 * 60 * 1000

export interface EsimQrCode {
  subscriptionId: string
  /** What the QR code encodes: `LPA:` and the activation code (GSMA SGP.22). */
  qrCodeData: string
  /** The QR code as a `data:image/png;base64,…` URL: nothing to host, nothing to fetch later. */
  qrCodeUrl: string
  expiresAt: Date
  metadata: { iccid: string; smdpAddress: string | null }
}

interface Issued {
  qrCode: Omit<EsimQrCode, 'qrCodeUrl'>
  png: Buffer
}

/**
 * eSIM activation QR codes of subscriptions. The code is the subscription's eSIM activation code;
 * it is sensitive (whoever scans it can install the profile), so each issue is recorded as
 * `sim.qrcode_issued` with who asked, and the routes forbid caching.
 */
export class EsimService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly subscriptions: SubscriptionService,
    private readonly sims: SimService,
    private readonly events: EventService,
  ) {}

  async qrCode(ctx: RequestContext, ref: EntityRef): Promise<EsimQrCode> {
    const { qrCode, png } = await this.issue(ctx, ref, 'json')
    return { ...qrCode, qrCodeUrl: `data:image/png;base64,${png.toString('base64')}` }
  }

  /** The same code as a PNG image. */
  async qrCodePng(ctx: RequestContext, ref: EntityRef): Promise<Buffer> {
    return (await this.issue(ctx, ref, 'png')).png
  }

  private async issue(ctx: RequestContext, ref: EntityRef, format: 'json' | 'png'): Promise<Issued> {
    const qrCode = await this.uow.write(ctx, async (tx) => {
      const subscription = await this.subscriptions.require(tx, ctx, ref)
      if (!subscription.sim.esim)
        throw new ConflictError(
          'subscription.not_esim',
          'The subscription uses a physical SIM; only eSIM subscriptions have an activation QR code.',
          { subscriptionId: subscription.id },
        )
      const sim = await this.sims.esimOf(tx, ctx, subscription.id)
      if (!sim?.lpa) {
        throw new ConflictError(
          'subscription.esim_not_provisioned',
          'The subscription has no eSIM in use from the inventory, so there is no activation code to show.',
          { subscriptionId: subscription.id },
        )
      }
      const expiresAt = new Date(ctx.clock.now().getTime() + QR_CODE_TTL_MS)
      const issuedTo = { type: ctx.actor.type, id: ctx.actor.id, label: ctx.actor.label }
      await this.events.emit(tx, ctx, {
        type: 'sim.qrcode_issued',
        resource: { type: 'sim', id: sim.iccid },
        data: { iccid: sim.iccid, subscriptionId: subscription.id, expiresAt, format, issuedTo },
      })
      return {
        subscriptionId: subscription.id,
        qrCodeData: `LPA:${sim.lpa}`,
        expiresAt,
        metadata: { iccid: sim.iccid, smdpAddress: sim.lpa.split('$')[1] ?? null },
      }
    })
    const png = await QRCode.toBuffer(qrCode.qrCodeData, {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 300,
    })
    return { qrCode, png }
  }
}
