/** Method metadata written by `@Subscribe`. */
export const SUBSCRIBE_METADATA = 'samsa:subscribe';
/** Parameter metadata written by `@Payload`, `@Key`, `@Headers`, `@Ctx` (read by ExternalContextCreator). */
export const SAMSA_ARGS_METADATA = 'samsa:args';

export enum SamsaParamType {
  PAYLOAD = 3,
  KEY = 4,
  HEADERS = 5,
  CONTEXT = 6,
}
