import 'reflect-metadata';
import { loadConfigOrExit } from '@app/config';
import { createHttpApp, listen } from '@app/http';
import { AmqpServer } from '@app/messaging';
import { startTracing } from '@app/observability';
import { InventoryModule } from './inventory.module.js';
import { ShardOwnership } from './sharding/shard-ownership.service.js';

/** Consumes booking commands from RabbitMQ; serves only health and metrics over HTTP. */
const config = loadConfigOrExit('inventory');
await startTracing('seatgrid-inventory', config.otel.endpoint);
// On shutdown the replica leaves the shard membership and its consumer drains first, so that the others take its shards
// at once and the saga still runs while the last batches commit.
const app = await createHttpApp(InventoryModule.forRoot(config), config, async (running) => {
  await running.get(ShardOwnership).leave();
  await running.get(AmqpServer).close();
});
app.connectMicroservice({ strategy: app.get(AmqpServer) });
await app.startAllMicroservices();
await listen(app, config.inventory.port);
