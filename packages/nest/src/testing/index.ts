/** `@samsa/nest/testing`: an in-process dev broker and schema registry for Nest e2e tests, no Docker. */
export {
  type ConsumedRecord,
  type SamsaTestKit,
  type SamsaTestKitOptions,
  startSamsaTestKit,
} from './samsa-test-kit.js';
