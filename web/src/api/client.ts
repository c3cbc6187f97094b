// The one way the client talks to the server: `POST /api/<method>` with a JSON body.
// Methods, their parameters and their answers are typed from the server's OpenAPI document
// (see methods.ts and scripts/gen-web-types).
import type { MethodName, ParamsArg, ResultOf } from "./methods";

export type { MethodName, ParamsOf, ResultOf } from "./methods";

export class ApiError extends Error {
  constructor(
    readonly error: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(error);
    this.name = "ApiError";
  }
}

export type ApiBody = Record<string, unknown>;
type Fetch = typeof fetch;

export const CSRF_COOKIE = "parley_csrf";
/** Asks for Parley's own fields (server-rendered `html`, `rendered_attachments`): the
 * server sends them only to a browser session that asks; apps and SDKs never see them. */
export const RENDER_HEADER = "X-Parley-Render";
export const RENDER_HTML = "html";

export function readCookie(cookies: string, name: string): string {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return "";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ApiClientOptions {
  fetchImpl?: Fetch;
  cookies?: () => string;
  maxRateLimitRetries?: number;
}

export class ApiClient {
  private readonly fetchImpl: Fetch;
  private readonly cookies: () => string;
  private readonly maxRetries: number;

  constructor(options: ApiClientOptions = {}) {
    this.fetchImpl = options.fetchImpl ?? ((...args) => fetch(...args));
    this.cookies = options.cookies ?? (() => document.cookie);
    this.maxRetries = options.maxRateLimitRetries ?? 3;
  }

  /** Calls a method; resolves with the body when `ok`, rejects with `ApiError` otherwise. */
  async call<M extends MethodName>(method: M, ...[params]: ParamsArg<M>): Promise<ResultOf<M>> {
    return (await this.send(method, (params ?? {}) as ApiBody)) as ResultOf<M>;
  }

  private async send(method: string, args: ApiBody): Promise<ApiBody> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.fetchImpl(`/api/${method}`, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-Parley-CSRF": readCookie(this.cookies(), CSRF_COOKIE),
          [RENDER_HEADER]: RENDER_HTML,
        },
        body: JSON.stringify(args),
      });
      if (response.status === 429 && attempt < this.maxRetries) {
        const wait = Number(response.headers.get("Retry-After") ?? "1");
        await sleep(Math.min(Math.max(wait, 1), 30) * 1000);
        continue;
      }
      let body: ApiBody;
      try {
        body = (await response.json()) as ApiBody;
      } catch {
        throw new ApiError(response.status === 429 ? "ratelimited" : "bad_response");
      }
      if (body.ok !== true) throw new ApiError(String(body.error ?? "unknown_error"), body);
      return body;
    }
  }
}

export const api = new ApiClient();

/** What modules that only call methods need of a client (tests pass fakes). */
export type Api = Pick<ApiClient, "call">;
