import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { MockPaymentProvider } from './mock-payment.provider.js';
import { PaymentProvider } from './payment.provider.js';

/** Provides the {@link PaymentProvider}: the mock one, configured from PAYMENT_* variables. */
@Global()
@Module({
  providers: [
    {
      provide: PaymentProvider,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new MockPaymentProvider({ databaseUrl: config.database.url, ...config.payment }),
    },
  ],
  exports: [PaymentProvider],
})
export class PaymentModule implements OnApplicationShutdown {
  constructor(@Inject(PaymentProvider) private readonly provider: PaymentProvider) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.provider instanceof MockPaymentProvider) await this.provider.close();
  }
}
