export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: replies are free-form JSON, inspected field by field
  body: any;
  text: string;
  contentType: string | null;
}

/** A tiny black-box HTTP client for the registry tests. */
export function httpClient(baseUrl: string, defaults: Record<string, string> = {}) {
  return async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'Content-Type': 'application/vnd.schemaregistry.v1+json' } : {}),
        ...defaults,
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text, contentType: response.headers.get('content-type') };
  };
}

export const recordSchema = (name: string, fields: unknown[], namespace = 'com.acme') =>
  JSON.stringify({ type: 'record', name, namespace, fields });
