/**
 * The contract between generated code and the runtime: a generated operation function
 * builds one `OperationRequest` and hands it to `invoke` (client.ts). All behaviour
 * (URL building, signing, retries, validation, errors) lives in the runtime, so
 * regenerating never changes behaviour and old generated code benefits from runtime fixes.
 */

/** What a generated service module describes about its service, once. */
export interface ServiceInfo {
  /** e.g. "identity" */
  readonly name: string;
  /**
   * Origin template, e.g. `https://identity.{region}.{domain}`; `{region}` and `{domain}`
   * (the realm's second-level domain, e.g. `oraclecloud.com`) are filled from the client's region.
   * Undefined for services with per-resource endpoints (the client then needs `endpoint`).
   */
  readonly endpointTemplate?: string | undefined;
  /** Path prefix, e.g. `/20160918` (may be ""). */
  readonly basePath: string;
}

/** Anything with zod's `safeParse` (zod and zod/mini schemas both have it). The runtime never imports zod. */
export interface ResponseSchema<T = unknown> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<SchemaIssue> } };
}

/** The parts of a zod 4 issue the runtime reads to explain a mismatch. */
export interface SchemaIssue {
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  /** e.g. `invalid_type`, `invalid_union`, `invalid_value`. */
  readonly code?: string | undefined;
  /** The type wanted (`invalid_type`): `string`, `object`, `array`… */
  readonly expected?: string | undefined;
  /** The values allowed (`invalid_value`), from the spec. */
  readonly values?: ReadonlyArray<unknown> | undefined;
  /** Each option's issues (`invalid_union`), their paths relative to this one. */
  readonly errors?: ReadonlyArray<ReadonlyArray<SchemaIssue>> | undefined;
}

/**
 * The zod/mini builders generated schemas call, with every schema typed as a plain
 * `ResponseSchema`. Generated code reaches zod/mini through this type, so a user's compiler
 * never infers zod's own types — most of the cost of type-checking zod schemas
 * (DECISIONS.md 4); the generator's `--checks` file proves, with zod's types, that each
 * schema parses to the type it is declared with. The runtime itself never imports zod.
 */
export interface ZodMiniBuilders {
  unknown(): ResponseSchema;
  never(): ResponseSchema;
  string(): ResponseSchema & { check(...checks: ZodMiniCheck[]): ResponseSchema };
  number(): ResponseSchema;
  boolean(): ResponseSchema;
  null(): ResponseSchema;
  literal(value: string | number | boolean): ResponseSchema;
  nullable(inner: ResponseSchema): ResponseSchema;
  exactOptional(inner: ResponseSchema): ResponseSchema;
  lazy(getter: () => ResponseSchema): ResponseSchema;
  union(options: ResponseSchema[]): ResponseSchema;
  intersection(left: ResponseSchema, right: ResponseSchema): ResponseSchema;
  array(items: ResponseSchema): ResponseSchema;
  record(keys: ResponseSchema, values: ResponseSchema): ResponseSchema;
  object(shape: Record<string, ResponseSchema>): ResponseSchema;
  looseObject(shape: Record<string, ResponseSchema>): ResponseSchema;
  catchall(object: ResponseSchema, rest: ResponseSchema): ResponseSchema;
  pipe(from: ResponseSchema, to: ResponseSchema): ResponseSchema;
  transform(fn: (value: unknown) => unknown): ResponseSchema;
  refine(test: (value: string) => boolean, params?: { abort?: boolean }): ZodMiniCheck;
}

/** A zod/mini check (`z.refine(…)`) or check function, opaque: see {@link ZodMiniBuilders}. */
export type ZodMiniCheck = { readonly _zod: unknown } | ((payload: never) => unknown);

/**
 * A generated schema: built by `build` on first use and kept, so importing a service module
 * constructs nothing, and typed as what it parses to.
 */
export function lazySchema<T>(build: () => ResponseSchema): () => ResponseSchema<T> {
  let schema: ResponseSchema | undefined;
  return () => (schema ??= build()) as ResponseSchema<T>;
}

/** A query value; arrays repeat the parameter (`a=1&a=2`); `undefined` omits it. */
export type QueryValue = string | number | boolean | Date | ReadonlyArray<string | number | boolean | Date> | undefined | null;

export interface OperationRequest<T = unknown> {
  readonly service: ServiceInfo;
  /** The spec's operationId, e.g. "ListUsers" (used in errors and for retry defaults). */
  readonly operationId: string;
  readonly method: "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH";
  /** Path template relative to the base path, e.g. `/users/{userId}`. */
  readonly path: string;
  /** Values for the `{name}` segments of `path`; each is percent-encoded as one segment. */
  readonly pathParams?: Readonly<Record<string, string | number | boolean | undefined>> | undefined;
  /** Already serialised the spec's way where it matters (csv → joined string; multi → array). */
  readonly query?: Readonly<Record<string, QueryValue>> | undefined;
  /** Header parameters; `undefined` values are dropped. Dates are sent as ISO-8601. */
  readonly headers?: Readonly<Record<string, string | number | boolean | Date | undefined | null>> | undefined;
  /** JSON-serialisable body, or raw bytes / a string / a stream for binary operations. */
  readonly body?: unknown;
  /** How to send `body`: "json" (default when a body is given) or "binary" (bytes/stream as is). */
  readonly bodyKind?: "json" | "binary" | undefined;
  /**
   * How to read the answer: "json" (default); "binary": `data` is the raw fetch `Response`
   * (read it with `.arrayBuffer()`, `.text()` or stream `.body`) — type such operations
   * `OciResponse<Response>`; "none": `data` is `undefined` (e.g. 204 on DELETE).
   */
  readonly responseKind?: "json" | "binary" | "none" | undefined;
  /** Schema of the 2xx JSON body; a function so the schema is built only when first needed. */
  readonly schema?: (() => ResponseSchema<T>) | undefined;
  /**
   * A generated plain check that accepts exactly what `schema` accepts, tried first: zod then
   * runs only on a mismatch, to say what is wrong.
   */
  readonly isValid?: ((data: unknown) => boolean) | undefined;
  /** The spec's `x-obmcs-client-retries-enabled`: retry by default with the client's strategy. */
  readonly retryByDefault?: boolean | undefined;
  /** Don't sign the body (`x-obmcs-signing-strategy: exclude_body`, streamed uploads). */
  readonly excludeBodyFromSignature?: boolean | undefined;
  /** The operation accepts `opc-retry-token`; one is generated when the caller gave none. */
  readonly acceptsRetryToken?: boolean | undefined;
  /** How the operation pages, when it does (the generator reads it from the spec); `paginate` follows it. */
  readonly paging?: Paging | undefined;
}

/**
 * How a paginated operation pages. Oracle's standard: the `opc-next-page` header goes back as
 * the `page` parameter, and the body is the array of items (`{ param: "page", next: { header:
 * "opc-next-page" } }`). Object Storage's ListObjects: the body's `nextStartWith` goes back as
 * `start`, and the items are the body's `objects` (`{ param: "start", next: { body:
 * "nextStartWith" }, items: "objects" }`).
 */
export interface Paging {
  /** The key, in the function's params, that takes the next page's token (e.g. `page`, `start`). */
  readonly param: string;
  /** Where the next page's token comes from: a response header, or a string property of the JSON body. */
  readonly next: { readonly header: string } | { readonly body: string };
  /** The body property that holds the page's items; absent when the body is the array. */
  readonly items?: string | undefined;
}

/** Per-call options every generated function accepts beside its parameters. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** A retry strategy for this call only (`noRetry` turns retries off). */
  retry?: import("./retry.js").RetryStrategy | undefined;
  timeoutMs?: number | undefined;
}

/**
 * A paginated operation's response carries this (`response.paging`), and its type says so
 * (`OciResponse<User[], Paged>`, `OciResponse<ListObjects, Paged<"objects">>`): that is how
 * `paginate` finds the next page, and the item type, of a generated function.
 */
export interface Paged<Items extends string | undefined = undefined> {
  /** The key, in the function's params, that takes `next` (e.g. `page`, `start`). */
  readonly param: string;
  /** The next page's token; undefined (or "") on the last page. */
  readonly next: string | undefined;
  /** The body property that holds the page's items; undefined when the body is the array. */
  readonly items: Items;
}

/**
 * What a generated function resolves to. `P` is `Paged<…>` for paginated operations (and
 * `paging` is then set); left out, the response may or may not be paged (any response is an
 * `OciResponse<T>`), which `paginate` does not accept.
 */
export interface OciResponse<T, P extends Paged<string | undefined> | undefined = Paged<string | undefined> | undefined> {
  readonly data: T;
  readonly status: number;
  readonly headers: Headers;
  readonly opcRequestId: string | undefined;
  /** The `opc-next-page` header, when the service has more pages. */
  readonly opcNextPage?: string | undefined;
  /** The `opc-work-request-id` header of a long-running operation: what `waitForWorkRequest` polls. */
  readonly opcWorkRequestId?: string | undefined;
  /** Paginated operations only: the next page's token, the parameter it goes in, and where the items are. */
  readonly paging?: P;
}
