import { Module } from '@nestjs/common';
import { AdminGuard, BuyerGuard } from './auth.guards.js';
import { BuyerIdentity } from './buyer-identity.service.js';
import { TokenVerifier } from './token-verifier.js';

/** Who buyers and admins are (AUTH_MODE), for the routes that need to know. */
@Module({ providers: [TokenVerifier, BuyerIdentity, BuyerGuard, AdminGuard], exports: [BuyerIdentity, BuyerGuard, AdminGuard] })
export class AuthModule {}
