import { Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { transportRegistry } from '../consume/transport-registry.js';

@Injectable()
class TransportDrainer implements OnModuleDestroy {
  onModuleDestroy(): Promise<void> {
    return transportRegistry.drainAll();
  }
}

/**
 * For hybrid apps that connect a `SamsaServer` but do not import `SamsaModule`: import this in the
 * root module, and the transport's consumers stop (drain, commit, leave) in `onModuleDestroy`, before
 * the modules your handlers use are torn down. (Nest itself closes transports only afterwards.)
 */
@Module({ providers: [TransportDrainer] })
export class SamsaTransportModule {}
