import { type ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/** Keys that Nest's ValidationPipe strips silently (they could reach an object's prototype) instead of refusing. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** How deep a request body may nest objects and arrays: an order needs three levels (order, items, item). */
export const MAX_BODY_DEPTH = 8;

/**
 * Nest's ValidationPipe with unknown properties refused (400, "property x should not exist"), prototype keys
 * refused the same way rather than stripped, and bodies nested deeper than `MAX_BODY_DEPTH` refused before
 * class-transformer copies them recursively.
 */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, transform: true });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      const prototypeKeys = prototypeKeyErrors(value);
      if (prototypeKeys.length > 0) throw await this.exceptionFactory(prototypeKeys);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Walks a parsed JSON body (without recursion: its depth is the client's to choose) and returns its prototype keys
 * as class-validator's whitelist errors, nested by path as ValidationPipe reports unknown properties.
 */
function prototypeKeyErrors(body: unknown): ValidationError[] {
  const found: string[][] = [];
  const pending: Array<{ value: unknown; path: string[] }> = [{ value: body, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= MAX_BODY_DEPTH) {
      throw new BadRequestException(
        `The request body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep`,
      );
    }
    for (const [key, child] of Object.entries(value)) {
      if (PROTOTYPE_KEYS.has(key)) found.push([...path, key]);
      else pending.push({ value: child, path: [...path, key] });
    }
  }
  const root: ValidationError[] = [];
  for (const path of found) {
    let level = root;
    for (const [index, property] of path.entries()) {
      let error = level.find((candidate) => candidate.property === property);
      if (!error) {
        error = { property, children: [] };
        level.push(error);
      }
      if (index === path.length - 1) {
        error.constraints = { whitelistValidation: `property ${property} should not exist` };
      }
      level = error.children!;
    }
  }
  return root;
}
