import { Injectable } from '@nestjs/common';
import { KeyedLock } from '@slipway/nest-mongo';

/**
 * Runs work on one app's deployments one piece at a time, so two consumers moving the same deployment at
 * once cannot lose one change (seen on FerretDB: a build's progress overwrote its move to releasing).
 */
@Injectable()
export class AppLocks extends KeyedLock {}
