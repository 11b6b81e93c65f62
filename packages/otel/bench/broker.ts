/** One @samsa/broker-dev broker for the benchmark, in its own process; prints its bootstrap as JSON. */
import { startBroker } from '@samsa/broker-dev';

const broker = await startBroker({
  brokers: 1,
  port: 0,
  partitions: Number(process.env.BENCH_PARTITIONS ?? 6),
});
process.stdout.write(`${JSON.stringify({ bootstrap: broker.bootstrap })}\n`);
const stop = async () => {
  await broker.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
