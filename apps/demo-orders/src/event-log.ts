import { Injectable } from '@nestjs/common';

const COLUMN = 15;

/** Prints the flow of events, one line each, so a person can watch an order travel through the system. */
@Injectable()
export class EventLog {
  print(actor: string, text: string): void {
    const time = new Date().toISOString().slice(11, 23);
    process.stdout.write(`${time} ${`[${actor}]`.padEnd(COLUMN)} ${text}\n`);
  }
}

export function money(amount: number): string {
  return amount.toFixed(2);
}
