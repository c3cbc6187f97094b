// Web API methods typed by name, from the generated OpenAPI types (scripts/gen-web-types).
import type { paths } from "./generated/schema";

type Path = keyof paths & `/api/${string}`;
export type MethodName = Path extends `/api/${infer M}` ? M : never;

type Operation<M extends MethodName> = paths[`/api/${M}`]["post"];

/** The JSON body a method accepts. */
export type ParamsOf<M extends MethodName> =
  Operation<M> extends { requestBody?: { content: { "application/json": infer P } } } ? P : Record<string, never>;

/** The body of a successful answer (`ok: true`; failures reject with `ApiError`). */
export type ResultOf<M extends MethodName> =
  Operation<M> extends { responses: { 200: { content: { "application/json": infer R } } } } ? Exclude<R, { ok: false }> : never;

/** `call(method)` when nothing is required, `call(method, params)` otherwise. */
export type ParamsArg<M extends MethodName> = Record<never, never> extends ParamsOf<M> ? [params?: ParamsOf<M>] : [params: ParamsOf<M>];
