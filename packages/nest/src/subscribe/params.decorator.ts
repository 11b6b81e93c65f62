import 'reflect-metadata';
import type { PipeTransform, Type } from '@nestjs/common';
import { SAMSA_ARGS_METADATA, SamsaParamType } from './constants.js';

type Pipe = Type<PipeTransform> | PipeTransform;

function isPipe(value: unknown): value is Pipe {
  return (
    typeof value === 'function' ||
    (typeof value === 'object' && value !== null && typeof (value as PipeTransform).transform === 'function')
  );
}

function createParamDecorator(type: SamsaParamType) {
  return (dataOrPipe?: string | Pipe, ...pipes: Pipe[]): ParameterDecorator =>
    (target, key, index) => {
      if (key === undefined) return;
      const [data, allPipes] = isPipe(dataOrPipe) ? [undefined, [dataOrPipe, ...pipes]] : [dataOrPipe, pipes];
      const args = Reflect.getMetadata(SAMSA_ARGS_METADATA, target.constructor, key) ?? {};
      Reflect.defineMetadata(
        SAMSA_ARGS_METADATA,
        { ...args, [`${type}:${index}`]: { index, data, pipes: allPipes } },
        target.constructor,
        key,
      );
    };
}

/**
 * The decoded record value (an array of them in a batch handler), or one property of it.
 * Pipes run on it: `@Payload(new ValidationPipe())`.
 */
export const Payload: (propertyOrPipe?: string | Pipe, ...pipes: Pipe[]) => ParameterDecorator =
  createParamDecorator(SamsaParamType.PAYLOAD);

/** The record key as a UTF-8 string (null when absent); an array of keys in a batch handler. */
export const Key: (pipe?: Pipe, ...pipes: Pipe[]) => ParameterDecorator = createParamDecorator(
  SamsaParamType.KEY,
) as (pipe?: Pipe, ...pipes: Pipe[]) => ParameterDecorator;

/** All headers as UTF-8 strings, or one header by name. */
export const Headers: (name?: string | Pipe, ...pipes: Pipe[]) => ParameterDecorator = createParamDecorator(
  SamsaParamType.HEADERS,
);

/** The `SamsaContext` (or `SamsaBatchContext`): topic, partition, offset, timestamp, heartbeat, consumer. */
export const Ctx: () => ParameterDecorator = createParamDecorator(
  SamsaParamType.CONTEXT,
) as () => ParameterDecorator;
