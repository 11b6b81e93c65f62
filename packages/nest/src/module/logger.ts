import { Logger, type LoggerService } from '@nestjs/common';

const silent: LoggerService = { log() {}, error() {}, warn() {}, debug() {}, verbose() {} };

export function resolveLogger(option: LoggerService | false | undefined, context: string): LoggerService {
  if (option === false) return silent;
  return option ?? new Logger(context);
}
