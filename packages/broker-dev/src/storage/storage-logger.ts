/** Where storage reports recovery and cleaning events; the broker passes its own logger. */
export interface StorageLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleStorageLogger: StorageLogger = {
  info: (message) => console.error(`[samsa storage] ${message}`),
  warn: (message) => console.error(`[samsa storage] WARN ${message}`),
};

export const silentStorageLogger: StorageLogger = { info: () => {}, warn: () => {} };
