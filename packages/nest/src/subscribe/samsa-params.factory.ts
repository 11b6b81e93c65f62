import type { ParamData } from '@nestjs/common';
import type { ParamsFactory } from '@nestjs/core';
import { SamsaParamType } from './constants.js';
import { SamsaBatchContext, type SamsaContext } from './samsa.context.js';

function pick(value: unknown, property: string): unknown {
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)[property]
    : undefined;
}

/** Maps `@Payload`, `@Key`, `@Headers`, `@Ctx` onto the `[payload, context]` arguments of a handler call. */
export class SamsaParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: ParamData, args: unknown[]): unknown {
    const [payload, context] = args as [unknown, SamsaContext | SamsaBatchContext];
    const property = typeof data === 'string' ? data : undefined;
    const batch = context instanceof SamsaBatchContext;
    switch (type) {
      case SamsaParamType.PAYLOAD:
        if (property === undefined) return payload;
        return batch ? (payload as unknown[]).map((item) => pick(item, property)) : pick(payload, property);
      case SamsaParamType.KEY:
        return batch ? context.keys : context.key;
      case SamsaParamType.HEADERS:
        if (batch) return property === undefined ? context.headers : context.headers.map((h) => h[property]);
        return property === undefined ? context.headers : context.header(property);
      case SamsaParamType.CONTEXT:
        return context;
      default:
        return undefined;
    }
  }
}
