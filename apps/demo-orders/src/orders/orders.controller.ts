// Imported as a value (not `import type`): the class is the metatype ValidationPipe validates against.
import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { CreateOrderDto } from './create-order.dto.js';
import { OrdersService } from './orders.service.js';

@Controller('orders')
export class OrdersController {
  constructor(@Inject(OrdersService) private readonly orders: OrdersService) {}

  /** Accepts an order for asynchronous processing: 202 with its id; payment and notification follow as events. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async create(@Body() order: CreateOrderDto): Promise<{ orderId: string; status: 'accepted' }> {
    const orderId = await this.orders.place(order);
    return { orderId, status: 'accepted' };
  }
}
