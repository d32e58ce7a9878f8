/**
 * Async iteration over every page of a paginated operation, however it pages: Oracle's
 * standard (`opc-next-page` header → `page` parameter, the body is the array), a collection body
 * (`{ items: [...] }`), or a token in the body (Object Storage's ListObjects: `nextStartWith` →
 * `start`, items in `objects`). The generator reads the style from the spec and the generated
 * function hands it to `invoke` (`OperationRequest.paging`); each response then carries
 * `paging` (the next token, the parameter it goes in, where the items are), and its type,
 * `OciResponse<T, Paged<…>>`, tells `paginate` the item type. A function whose responses are not
 * paged is refused by the types (`NotPaginated`).
 */
import { OciRawError } from "./errors.js";
import type { CallOptions, OciResponse, Paged } from "./operation.js";

/**
 * The items of a page whose body is `T`: the elements of the `Items` property, or of the body
 * itself when `Items` is undefined (then also, for hand-written types, of an `items` property).
 */
export type PageItem<T, Items extends string | undefined = undefined> = Items extends string
  ? Items extends keyof T
    ? NonNullable<T[Items]> extends ReadonlyArray<infer U>
      ? U
      : never
    : never
  : T extends ReadonlyArray<infer U>
    ? U
    : T extends { items?: ReadonlyArray<infer U> | null | undefined }
      ? U
      : never;

/** A function `paginate` can walk: a generated paginated operation (or your own of the same shape). */
export type PagedFunction<C = never, P = never, T = unknown, Items extends string | undefined = string | undefined> = (
  client: C,
  params: P,
  options?: CallOptions,
) => Promise<OciResponse<T, Paged<Items>>>;

/**
 * What tsc reports when `paginate` or `paginatePages` is given a function whose response type
 * is not `OciResponse<…, Paged<…>>`: the spec gives its operation no way to ask for the next
 * page, so the generator did not make it paginated (its doc comment says why, for a list).
 */
export type NotPaginated =
  "not paginated: the spec gives this operation no next-page token (a `page` parameter with an `opc-next-page` header, or a `next…` body property naming a parameter), so its response type has no Paged<…>. Call it once; its doc comment says why.";

/**
 * Any function shaped like a generated operation (`never` parameters: every function's
 * parameters accept them); `Paginable` then says whether it is paginated.
 */
type OperationFunction = (client: never, params: never, options?: CallOptions) => Promise<OciResponse<unknown, Paged<string | undefined> | undefined>>;

/** The same function, callable: `paginatePages` passes it the client and params it was given for it. */
type CallableOperation = (client: unknown, params: unknown, options?: CallOptions) => Promise<OciResponse<unknown, Paged<string | undefined> | undefined>>;

/** What a function's promise resolves to. */
type ResponseOf<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;

/** `unknown` for a paginated function, else the `NotPaginated` message (intersected with the argument's type). */
export type Paginable<F> = ResponseOf<F> extends OciResponse<unknown, infer P> ? ([P] extends [Paged<string | undefined>] ? unknown : NotPaginated) : NotPaginated;

/** The item type `paginate(fn, …)` yields. */
export type ItemOf<F> = ResponseOf<F> extends OciResponse<infer T, Paged<infer Items>> ? PageItem<T, Items> : never;

export interface PaginateOptions extends CallOptions {
  /** Stop after this many items in total (the `limit` parameter stays the page size). */
  maxItems?: number | undefined;
}

/**
 * How a response says where the next page is. Responses without `paging` (functions generated
 * before it existed, hand-written ones) follow the old rule: `opc-next-page` into `page`.
 */
function pagingOf(response: OciResponse<unknown, Paged<string | undefined> | undefined>): Paged<string | undefined> & { described: boolean } {
  if (response.paging) return { ...response.paging, described: true };
  return { param: "page", next: response.opcNextPage, items: undefined, described: false };
}

/**
 * Every page (the whole responses), in order, starting from the params as given (e.g. a
 * `page` or `start` you set).
 */
export async function* paginatePages<F extends OperationFunction>(
  fn: F & Paginable<F>,
  client: Parameters<F>[0],
  params: Parameters<F>[1],
  options: CallOptions = {},
): AsyncGenerator<ResponseOf<F>, void, undefined> {
  const seen = new Set<string>();
  let current: Parameters<F>[1] = params;
  for (;;) {
    options.signal?.throwIfAborted();
    const response = (await (fn as unknown as CallableOperation)(client, current, options)) as ResponseOf<F>;
    yield response;
    const { param, next } = pagingOf(response);
    if (!next) return;
    if (seen.has(next)) {
      throw new OciRawError(
        `Pagination stopped: the service returned the same page token twice (for \`${param}\`), which would loop forever.`,
        { code: "PAGINATION_LOOP" },
      );
    }
    seen.add(next);
    current = { ...(params as object), [param]: next } as Parameters<F>[1];
  }
}

/**
 * Every item of every page: `for await (const user of paginate(listUsers, client, { compartmentId }))`,
 * `for await (const object of paginate(listObjects, client, { namespaceName, bucketName }))`.
 */
export async function* paginate<F extends OperationFunction>(
  fn: F & Paginable<F>,
  client: Parameters<F>[0],
  params: Parameters<F>[1],
  options: PaginateOptions = {},
): AsyncGenerator<ItemOf<F>, void, undefined> {
  const max = options.maxItems ?? Infinity;
  if (max <= 0) return;
  let count = 0;
  for await (const response of paginatePages<F>(fn, client, params, options)) {
    const items = itemsOf(response);
    for (const item of items) {
      yield item as ItemOf<F>;
      if (++count >= max) return;
    }
  }
}

/** The page's items, where its `paging` says they are. */
function itemsOf(response: OciResponse<unknown, Paged<string | undefined> | undefined>): readonly unknown[] {
  const data: unknown = response.data;
  const { items: key, described } = pagingOf(response);
  if (Array.isArray(data)) {
    if (key === undefined) return data;
  } else if (typeof data === "object" && data !== null) {
    const property = key ?? (described ? undefined : "items");
    if (property !== undefined) {
      const items = (data as Record<string, unknown>)[property];
      // OCI sends `null` (or nothing) for empty lists now and then (DECISIONS 13): an empty page.
      if (items === undefined || items === null) return [];
      if (Array.isArray(items)) return items;
      throw new OciRawError(`paginate: the page body's \`${property}\` is not an array (it is ${typeof items}).`, {
        code: "PAGINATION_NOT_A_LIST",
      });
    }
  }
  throw new OciRawError(
    key !== undefined
      ? `paginate: the page body is not an object with a \`${key}\` array, as the operation's paging says.`
      : described
        ? "paginate: the page body is not an array, as the operation's paging says."
        : "paginate: the response has no `paging` (its operation is not paginated), and its body is neither an array nor an object with an `items` array.",
    { code: "PAGINATION_NOT_A_LIST" },
  );
}
