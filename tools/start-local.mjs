// `npm start` after the build and the migrations: the gateway and INVENTORY_REPLICAS inventory replicas, replica i
// serving health and metrics on INVENTORY_PORT + i. A process that dies leaves the others running (as replicas on
// separate machines would); Ctrl-C reaches every process, and each drains before it exits.
import { concurrently } from 'concurrently';

/** As the image's NODE_OPTIONS (see the Dockerfile): a small young generation keeps RSS down after a herd. */
const NODE = 'node --max-semi-space-size=4';

const { loadConfigOrExit } = await import('../dist/apps/inventory/libs/config/src/index.js');
const { inventory } = loadConfigOrExit('inventory');
const replicas = Array.from({ length: inventory.replicas }, (_, i) => ({
  command: `${NODE} dist/apps/inventory/apps/inventory/src/main.js`,
  name: inventory.replicas === 1 ? 'inventory' : `inventory-${i}`,
  env: { INVENTORY_PORT: String(inventory.port === 0 ? 0 : inventory.port + i) },
}));
const { result } = concurrently([{ command: `${NODE} dist/apps/gateway/apps/gateway/src/main.js`, name: 'gateway' }, ...replicas], {
  prefixColors: ['cyan', 'magenta', 'yellow', 'green', 'blue'],
});
await result.catch(() => (process.exitCode = 1));
