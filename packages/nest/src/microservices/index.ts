/** `@samsa/nest/microservices`: a `@nestjs/microservices` transport strategy and client on Samsa. */
export { ReplyHeaders } from './reply-headers.js';
export { SamsaClientProxy, type SamsaClientStatus } from './samsa.client.js';
export { SAMSA_TRANSPORT, SamsaServer, type SamsaTransportStatus } from './samsa.server.js';
export { SamsaTransportModule } from './samsa-transport.module.js';
