import { SamsaBatchContext } from '../../subscribe/samsa.context.js';
import type { Delivery } from '../delivery.js';
import type { HandlerCalls, HandlerRunner } from '../handler-runner.js';
import type { DeliveryTransactions } from './delivery-transactions.js';

/**
 * A transactional subscription's handler calls: each in a transaction of its own that commits the
 * group's offset past the delivered records when the handler returns, and is aborted when it throws
 * (the error then goes to the retry policy as usual). `ctx.transaction` is that transaction, and
 * `SamsaProducer` publishes into it.
 */
export class TransactionalHandlerRunner implements HandlerCalls {
  constructor(
    private readonly handler: HandlerRunner,
    private readonly transactions: DeliveryTransactions,
  ) {}

  call(delivery: Delivery): Promise<unknown> {
    const { context, topic, partition } = delivery;
    const offsets = context instanceof SamsaBatchContext ? context.offsets : [context.offset];
    const range = offsets.length === 1 ? offsets[0] : `${offsets[0]}..${offsets[offsets.length - 1]}`;
    return this.transactions.run({
      source: delivery,
      lastOffset: offsets[offsets.length - 1]!,
      describe: `${topic}[${partition}]@${range}`,
      run: (transaction) => {
        context.transaction = transaction;
        return this.handler.call(delivery);
      },
    });
  }
}
