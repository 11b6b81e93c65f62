import type { ExternalContextCreator } from '@nestjs/core';
import type { HandlerInvoker } from '../consume/subscription-spec.js';
import { SAMSA_ARGS_METADATA } from './constants.js';
import { createDirectInvoker } from './direct-invoker.js';
import { SamsaParamsFactory } from './samsa-params.factory.js';

/**
 * A `@Subscribe` method as the container calls it: wrapped in Nest's guards, interceptors, pipes and
 * exception filters, or called directly when none of them applies.
 */
export function createHandlerInvoker(
  contextCreator: ExternalContextCreator,
  // biome-ignore lint/suspicious/noExplicitAny: any provider instance
  instance: any,
  methodName: string,
): HandlerInvoker {
  const params = new SamsaParamsFactory();
  const direct = createDirectInvoker(contextCreator, instance, methodName, params);
  if (direct) return direct;
  const callback = Object.getPrototypeOf(instance)[methodName];
  const pipeline = contextCreator.create(
    instance,
    callback,
    methodName,
    SAMSA_ARGS_METADATA,
    params,
    undefined,
    undefined,
    undefined,
    'rpc',
  );
  // The container awaits promises and Observables (an RPC exception filter answers with one that errors).
  return (payload, context) => pipeline(payload, context);
}
