import 'reflect-metadata';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfigOrExit } from '@app/config';
import { createHttpApp, listen } from '@app/http';
import { startTracing } from '@app/observability';
import { countIntakeErrors } from './bookings/intake-errors.js';
import { GatewayModule } from './gateway.module.js';

/** The HTTP API: accepts bookings (202 after a broker confirm), serves events, seat maps and booking status. */
const config = loadConfigOrExit('gateway');
await startTracing('seatgrid-gateway', config.otel.endpoint);
const app = await createHttpApp(GatewayModule.forRoot(config), config);
countIntakeErrors(app);
const openApi = new DocumentBuilder()
  .setTitle('SeatGrid gateway')
  .setDescription('Book seats for high-demand events. Bookings are accepted with 202 and decided asynchronously: poll GET /bookings/{id}.')
  .setVersion('1')
  .addBearerAuth()
  .build();
SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
await listen(app, config.gateway.port);
