import type { ApplicationConfig, ExternalContextCreator } from '@nestjs/core';
import type { HandlerInvoker } from '../consume/subscription-spec.js';
import { SAMSA_ARGS_METADATA } from './constants.js';
import type { SamsaParamsFactory } from './samsa-params.factory.js';

interface ParamMetadata {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/** @nestjs/common's GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, EXCEPTION_FILTERS_METADATA. */
const ENHANCER_KEYS = ['__guards__', '__interceptors__', '__pipes__', '__exceptionFilters__'];

/**
 * When a handler has no guard, interceptor, pipe or exception filter (its own, its class's or a global
 * one), Nest's pipeline would only pass the arguments through; calling the method directly gives the
 * same result without several promise hops per record. Returns undefined when anything applies (or
 * when the global enhancers cannot be read), and the full pipeline is used.
 */
export function createDirectInvoker(
  contextCreator: ExternalContextCreator,
  // biome-ignore lint/suspicious/noExplicitAny: any provider instance
  instance: any,
  methodName: string,
  params: SamsaParamsFactory,
): HandlerInvoker | undefined {
  const config = (contextCreator as unknown as { container?: { applicationConfig?: ApplicationConfig } })
    .container?.applicationConfig;
  if (!config) return undefined;
  const globals = [
    config.getGlobalGuards(),
    config.getGlobalInterceptors(),
    config.getGlobalPipes(),
    config.getGlobalFilters(),
    config.getGlobalRequestGuards(),
    config.getGlobalRequestInterceptors(),
    config.getGlobalRequestPipes(),
    config.getGlobalRequestFilters(),
  ];
  if (globals.some((list) => list.length > 0)) return undefined;
  const method = Object.getPrototypeOf(instance)[methodName] as (...args: unknown[]) => unknown;
  for (const key of ENHANCER_KEYS) {
    const own = Reflect.getMetadata(key, method) as unknown[] | undefined;
    const ofClass = Reflect.getMetadata(key, instance.constructor) as unknown[] | undefined;
    if (own?.length || ofClass?.length) return undefined;
  }
  const metadata = (Reflect.getMetadata(SAMSA_ARGS_METADATA, instance.constructor, methodName) ??
    {}) as Record<string, ParamMetadata>;
  const entries = Object.entries(metadata).map(([key, param]) => ({
    type: Number(key.split(':')[0]),
    index: param.index,
    data: param.data,
    pipes: param.pipes ?? [],
  }));
  if (entries.some((entry) => entry.pipes.length > 0)) return undefined;
  if (entries.length === 0) return (payload, context) => method.call(instance, payload, context);
  const length = Math.max(...entries.map((entry) => entry.index)) + 1;
  return (payload, context) => {
    const args = new Array<unknown>(length);
    const both = [payload, context];
    for (const entry of entries) {
      args[entry.index] = params.exchangeKeyForValue(entry.type, entry.data as string, both);
    }
    return method.apply(instance, args);
  };
}
