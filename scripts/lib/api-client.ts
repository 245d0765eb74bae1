/**
 * A small JSON client for scripts and end-to-end tests that talk to a running Worker over HTTP.
 * Throws with the API's error envelope on any non-2xx, so a failing setup says why.
 */
export class ApiClient {
  readonly baseUrl: string;
  private readonly auth?: string;

  // No parameter properties: scripts run on Node's type stripping, which does not support them.
  constructor(baseUrl: string, auth?: string) {
    this.baseUrl = baseUrl;
    this.auth = auth;
  }

  withAuth(auth: string): ApiClient {
    return new ApiClient(this.baseUrl, auth);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (this.auth) headers.authorization = `Bearer ${this.auth}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as T) : (null as T);
    return { status: res.status, body: parsed };
  }

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}
