/**
 * Fault rules applied to incoming requests: answer the next N requests of an API with an error
 * code, delay responses, drop the connection when a request arrives, drop it once the request is
 * handled instead of answering (the response lost on the way: the client cannot tell whether it
 * took effect), or swallow the request (never handled nor answered, like a heartbeat lost on the way). Rules match an API key
 * (or every API) and optionally one broker; each counts down and disappears when used up.
 */
export interface FaultRule {
  /** API key, or undefined for every API. */
  apiKey?: number;
  /** Broker node id, or undefined for every broker. */
  nodeId?: number;
  /** How many matching requests the rule applies to; Infinity until cleared. */
  remaining: number;
  errorCode?: number;
  latencyMs?: number;
  dropConnection?: boolean;
  dropResponse?: boolean;
  ignore?: boolean;
}

export interface Fault {
  errorCode?: number;
  latencyMs?: number;
  dropConnection?: boolean;
  dropResponse?: boolean;
  ignore?: boolean;
}

export class FaultInjector {
  private rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    if (rule.remaining <= 0) return;
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  get active(): number {
    return this.rules.length;
  }

  /** The fault for a request, consuming one use of each matching rule (first error/drop rule wins). */
  take(apiKey: number, nodeId: number): Fault | undefined {
    if (this.rules.length === 0) return undefined;
    let fault: Fault | undefined;
    let exhausted = false;
    for (const rule of this.rules) {
      if (rule.apiKey !== undefined && rule.apiKey !== apiKey) continue;
      if (rule.nodeId !== undefined && rule.nodeId !== nodeId) continue;
      if (isFailing(rule) && fault && isFailing(fault)) continue;
      fault ??= {};
      if (rule.errorCode !== undefined) fault.errorCode = rule.errorCode;
      if (rule.dropConnection) fault.dropConnection = true;
      if (rule.dropResponse) fault.dropResponse = true;
      if (rule.ignore) fault.ignore = true;
      if (rule.latencyMs) fault.latencyMs = (fault.latencyMs ?? 0) + rule.latencyMs;
      rule.remaining--;
      if (rule.remaining <= 0) exhausted = true;
    }
    if (exhausted) this.rules = this.rules.filter((r) => r.remaining > 0);
    return fault;
  }
}

/** Whether a rule or fault keeps the request from being answered normally (one such per request). */
function isFailing(fault: Fault): boolean {
  return fault.errorCode !== undefined || !!fault.dropConnection || !!fault.dropResponse || !!fault.ignore;
}
