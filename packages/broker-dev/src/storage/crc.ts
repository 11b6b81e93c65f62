// The one place the storage layer gets CRC-32C from.
export { crc32c } from '@samsa/protocol';
