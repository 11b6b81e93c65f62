import { Injectable } from '@nestjs/common';
import type { SubscriptionContainer } from './subscription-container.js';

/** Every running subscription container, for health checks, tests and shutdown. */
@Injectable()
export class SamsaConsumers {
  private readonly list: SubscriptionContainer[] = [];

  add(container: SubscriptionContainer): void {
    this.list.push(container);
  }

  remove(container: SubscriptionContainer): void {
    const at = this.list.indexOf(container);
    if (at >= 0) this.list.splice(at, 1);
  }

  all(): readonly SubscriptionContainer[] {
    return this.list;
  }

  /** The container of a handler, by `ClassName.method`. */
  get(id: string): SubscriptionContainer | undefined {
    return this.list.find((c) => c.spec.id === id);
  }
}
