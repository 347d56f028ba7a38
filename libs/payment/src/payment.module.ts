import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { MockPaymentProvider } from './mock-payment.provider.js';
import { PaymentProvider } from './payment.provider.js';

/** Provides the {@link PaymentProvider}: the mock one, configured from PAYMENT_* variables, on the app's pool. */
@Module({
  providers: [
    {
      provide: PaymentProvider,
      inject: [AppConfig, getDataSourceToken()],
      useFactory: (config: AppConfig, dataSource: DataSource) => new MockPaymentProvider(dataSource, config.payment),
    },
  ],
  exports: [PaymentProvider],
})
export class PaymentModule {}
