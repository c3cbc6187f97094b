// What every feature module of the controller shares: the API, the store and toasts.
import type { ApiClient, MethodName, ParamsOf, ResultOf } from "../../api/client";
import type { State } from "../../state/reducer";
import type { Store } from "../../state/store";

export interface Core {
  readonly api: ApiClient;
  readonly store: Store;
  readonly state: State;
  toast(text: string): void;
}

type Paged = { response_metadata?: { next_cursor?: string } };

/** Pages through a cursor-paginated method and concatenates one array field. */
export async function collect<M extends MethodName, F extends keyof ResultOf<M>>(
  api: Pick<ApiClient, "call">,
  method: M,
  field: F,
  args: ParamsOf<M>,
): Promise<ResultOf<M>[F] extends (infer T)[] | undefined ? T[] : never> {
  type Item = ResultOf<M>[F] extends (infer T)[] | undefined ? T : never;
  const out: Item[] = [];
  let cursor = "";
  const call = api.call.bind(api) as (method: M, params: ParamsOf<M>) => Promise<ResultOf<M>>;
  for (let page = 0; page < 50; page++) {
    const body = await call(method, { ...(args as object), ...(cursor ? { cursor } : {}) } as ParamsOf<M>);
    out.push(...(((body[field] as Item[] | undefined) ?? []) as Item[]));
    cursor = ((body as Paged).response_metadata?.next_cursor ?? "").trim();
    if (!cursor) break;
  }
  return out as ResultOf<M>[F] extends (infer T)[] | undefined ? T[] : never;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
