/**
 * Async iteration over OCI's `page` / `opc-next-page` pagination, for any generated list
 * function (or your own function of the same shape).
 */
import { OciRawError } from "./errors.js";
import type { CallOptions, OciResponse } from "./operation.js";

/** The items of a page: an array body, or the `items` of a collection body. */
export type PageItem<T> = T extends ReadonlyArray<infer U> ? U : T extends { items?: ReadonlyArray<infer U> } ? U : never;

export type PagedFunction<C, P, T> = (client: C, params: P, options?: CallOptions) => Promise<OciResponse<T>>;

export interface PaginateOptions extends CallOptions {
  /** Stop after this many items in total (the `limit` parameter stays the page size). */
  maxItems?: number | undefined;
}

/** Every page, in order, starting from `params.page` if set. */
export async function* paginatePages<C, P extends { page?: string | undefined }, T>(
  fn: PagedFunction<C, P, T>,
  client: C,
  params: P,
  options: CallOptions = {},
): AsyncGenerator<OciResponse<T>, void, undefined> {
  const seen = new Set<string>();
  let page = params.page;
  for (;;) {
    options.signal?.throwIfAborted();
    const response = await fn(client, page === undefined ? params : { ...params, page }, options);
    yield response;
    const next = response.opcNextPage;
    if (!next) return;
    if (seen.has(next)) {
      throw new OciRawError(
        `Pagination stopped: the service returned page token "${next.slice(0, 40)}" twice, which would loop forever.`,
        { code: "PAGINATION_LOOP" },
      );
    }
    seen.add(next);
    page = next;
  }
}

/** Every item of every page: `for await (const user of paginate(listUsers, client, { compartmentId }))`. */
export async function* paginate<C, P extends { page?: string | undefined }, T>(
  fn: PagedFunction<C, P, T>,
  client: C,
  params: P,
  options: PaginateOptions = {},
): AsyncGenerator<PageItem<T>, void, undefined> {
  const max = options.maxItems ?? Infinity;
  if (max <= 0) return;
  let count = 0;
  for await (const response of paginatePages(fn, client, params, options)) {
    const data: unknown = response.data;
    const items = Array.isArray(data) ? data : (data as { items?: unknown } | null)?.items;
    if (!Array.isArray(items)) {
      throw new OciRawError("paginate: the page body is neither an array nor an object with an `items` array.", {
        code: "PAGINATION_NOT_A_LIST",
      });
    }
    for (const item of items) {
      yield item as PageItem<T>;
      if (++count >= max) return;
    }
  }
}
