import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Length,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

/** Bounds that keep every amount, and the order's total, a finite number with exact cents. */
export const MAX_QUANTITY = 10_000;
export const MAX_PRICE = 1_000_000;
export const MAX_ITEMS = 100;
export const MAX_ORDER_TOTAL = 10_000_000;

export class OrderItemDto {
  @IsString()
  @Length(1, 64)
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(MAX_PRICE)
  price!: number;
}

/** The sum of quantity × price, rounded to cents. */
export function orderTotal(items: readonly Pick<OrderItemDto, 'quantity' | 'price'>[]): number {
  return Math.round(items.reduce((sum, item) => sum + item.quantity * item.price, 0) * 100) / 100;
}

/** Whether an item's amounts are within their bounds (the item's own checks report those that are not). */
function withinBounds(item: unknown): item is OrderItemDto {
  if (typeof item !== 'object' || item === null) return false;
  const { quantity, price } = item as Partial<OrderItemDto>;
  return (
    typeof quantity === 'number' &&
    typeof price === 'number' &&
    quantity >= 1 &&
    quantity <= MAX_QUANTITY &&
    price >= 0 &&
    price <= MAX_PRICE
  );
}

/** The total of the items, those within bounds, is at most `max`: bounded amounts keep it finite. */
function TotalAtMost(max: number) {
  return ValidateBy({
    name: 'totalAtMost',
    constraints: [max],
    validator: {
      validate: (items: unknown) => !Array.isArray(items) || orderTotal(items.filter(withinBounds)) <= max,
      defaultMessage: () => `items must add up to at most ${max} (the sum of quantity × price)`,
    },
  });
}

/** The body of POST /orders. */
export class CreateOrderDto {
  @IsString()
  @Length(1, 64)
  customerId!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ITEMS)
  // Every element an object: ValidateNested alone descends into an element that is itself an array.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  @TotalAtMost(MAX_ORDER_TOTAL)
  items!: OrderItemDto[];
}
