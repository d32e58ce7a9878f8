/**
 * Object Storage (base path /): GetNamespace, ListBuckets, CreateBucket, GetBucket, HeadBucket,
 * UpdateBucket, DeleteBucket (409 BucketNotEmpty while objects remain), and objects
 * (ListObjects, paged by name with `start` / `nextStartWith`; PutObject, GetObject, HeadObject,
 * DeleteObject). PutObject's body is not signed, as in OCI (`x-obmcs-signing-strategy:
 * exclude_body`), and neither is UploadPart's.
 */
import { createHash } from "node:crypto";
import { EmulatorHttpError, invalidParameter } from "../errors.js";
import { randomOcid } from "../keys.js";
import { bytes, empty, json } from "../routes.js";
import type { EmulatorRequest, Router } from "../routes.js";
import { EMULATOR_NAMESPACE } from "../state.js";
import { asObject, etagOf, optionalString, optionalTags, pageLimit, paginate, requiredString, requireQuery } from "./common.js";

/** The shape of objectstorage's `Bucket` (a superset of `BucketSummary`). */
export interface Bucket {
  readonly namespace: string;
  readonly name: string;
  readonly id: string;
  readonly compartmentId: string;
  readonly createdBy: string;
  readonly timeCreated: string;
  readonly etag: string;
  readonly metadata: Record<string, unknown>;
  readonly publicAccessType: PublicAccessType;
  readonly storageTier: "Standard";
  readonly objectEventsEnabled: boolean;
  readonly versioning: Versioning;
  readonly replicationEnabled: boolean;
  readonly isReadOnly: boolean;
  readonly freeformTags: Record<string, unknown>;
  readonly definedTags: Record<string, unknown>;
  // Unset optional fields are null, as the service writes them (../shared/oci-recorded: CreateBucket, GetBucket).
  readonly kmsKeyId: string | null;
  readonly approximateCount: number | null;
  readonly approximateSize: number | null;
  readonly autoTiering: null;
  readonly objectLifecyclePolicyEtag: null;
}

type PublicAccessType = "NoPublicAccess" | "ObjectRead" | "ObjectReadWithoutList";
type Versioning = "Enabled" | "Suspended" | "Disabled";
const PUBLIC_ACCESS_TYPES: readonly PublicAccessType[] = ["NoPublicAccess", "ObjectRead", "ObjectReadWithoutList"];
/** UpdateBucket's versioning values (a bucket never returns to "Disabled"). */
const VERSIONING_UPDATES: readonly Versioning[] = ["Enabled", "Suspended"];
/** GetBucket's `fields`, lower-cased → as written. */
const BUCKET_FIELDS = new Map(["approximateCount", "approximateSize", "autoTiering"].map((f) => [f.toLowerCase(), f]));

interface StoredObject {
  readonly data: Buffer;
  readonly etag: string;
  readonly md5: string;
  readonly lastModified: string;
  readonly headers: Record<string, string>;
}

const MAX_LIMIT = 1000;
/** ListObjects' `fields`, lower-cased → as written in the summaries. */
const OBJECT_FIELDS = new Map(["name", "size", "etag", "md5", "timeCreated", "timeModified", "storageTier", "archivalState"].map((f) => [f.toLowerCase(), f]));
const BUCKET_NAME = /^[A-Za-z0-9._-]{1,256}$/;
// Content headers a PutObject stores and GetObject gives back, besides opc-meta-*.
const KEPT_HEADERS = ["content-type", "content-language", "content-encoding", "content-disposition", "cache-control"];

const UNSIGNED_BODY = { verify: { bodySigned: false } } as const;

function bucketLocation(name: string): string {
  return `/n/${EMULATOR_NAMESPACE}/b/${encodeURIComponent(name)}`;
}

/** A bucket with its etag, a hash of everything else (so any change makes a new one). */
function withEtag(fields: Omit<Bucket, "etag">): Bucket {
  return { ...fields, etag: etagOf(fields) };
}

function checkBucketName(name: string): void {
  if (!BUCKET_NAME.test(name)) throw invalidParameter(`The bucket name '${name}' is invalid: use 1-256 letters, digits, '.', '_' or '-'.`);
}

function checkIfMatch(request: EmulatorRequest, etag: string): void {
  const ifMatch = request.headers["if-match"];
  if (typeof ifMatch === "string" && ifMatch !== etag) {
    throw new EmulatorHttpError(412, "IfMatchFailed", `The if-match header '${ifMatch}' does not match the bucket's etag.`);
  }
}

function notModified(request: EmulatorRequest, etag: string): boolean {
  return request.headers["if-none-match"] === etag;
}

function optionalEnum<T extends string>(body: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(body, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw invalidParameter(`The field '${name}' must be one of ${allowed.join(", ")}, got '${value}'.`);
  return value as T;
}

function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidParameter(`The field '${name}' must be a boolean.`);
  return value;
}

function bucketSummary(bucket: Bucket): Record<string, unknown> {
  const { namespace, name, compartmentId, createdBy, timeCreated, etag, freeformTags, definedTags } = bucket;
  return { namespace, name, compartmentId, createdBy, timeCreated, etag, freeformTags, definedTags };
}

function checkNamespace(request: EmulatorRequest): void {
  if (request.params["namespaceName"] !== EMULATOR_NAMESPACE) {
    throw new EmulatorHttpError(404, "NamespaceNotFound", `The namespace '${request.params["namespaceName"] ?? ""}' does not exist (the emulator's is '${EMULATOR_NAMESPACE}').`);
  }
}

export function mountObjectStorage(router: Router): void {
  const buckets = new Map<string, { readonly bucket: Bucket; readonly objects: Map<string, StoredObject> }>();

  const findBucket = (request: EmulatorRequest) => {
    checkNamespace(request);
    const name = request.params["bucketName"] ?? "";
    const entry = buckets.get(name);
    if (entry === undefined) throw new EmulatorHttpError(404, "BucketNotFound", `Either the bucket named '${name}' does not exist in the namespace '${EMULATOR_NAMESPACE}' or you are not authorized to access it.`);
    return entry;
  };
  const findObject = (request: EmulatorRequest) => {
    const { objects, bucket } = findBucket(request);
    const name = request.params["objectName"] ?? "";
    const object = objects.get(name);
    if (object === undefined) throw new EmulatorHttpError(404, "ObjectNotFound", `The object '${name}' was not found in the bucket '${bucket.name}'.`);
    return object;
  };
  const objectHeaders = (object: StoredObject) => ({
    ...object.headers,
    "content-length": String(object.data.byteLength),
    etag: object.etag,
    "opc-content-md5": object.md5,
    "last-modified": object.lastModified,
  });

  router.add("GET", "/n/", () => json(200, EMULATOR_NAMESPACE));

  router.add("GET", "/n/{namespaceName}/b/", (request) => {
    checkNamespace(request);
    const compartmentId = requireQuery(request.url, "compartmentId");
    const matching = [...buckets.values()]
      .map((entry) => entry.bucket)
      .filter((bucket) => bucket.compartmentId === compartmentId)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(bucketSummary);
    const { page, headers } = paginate(request.url, `buckets:${compartmentId}`, matching, MAX_LIMIT);
    return json(200, page, headers);
  });

  router.add("POST", "/n/{namespaceName}/b/", (request) => {
    checkNamespace(request);
    const details = asObject(request.json(), "CreateBucketDetails");
    const name = requiredString(details, "name");
    const compartmentId = requiredString(details, "compartmentId");
    checkBucketName(name);
    if (buckets.has(name)) throw new EmulatorHttpError(409, "BucketAlreadyExists", `A bucket named '${name}' already exists in the namespace '${EMULATOR_NAMESPACE}'.`);
    const versioning = optionalEnum(details, "versioning", ["Enabled", "Disabled"] as const) ?? "Disabled";
    const bucket = withEtag({
      namespace: EMULATOR_NAMESPACE,
      name,
      id: randomOcid("bucket", "iad"),
      compartmentId,
      createdBy: request.principal?.subject ?? "ocid1.user.oc1..anonymous",
      timeCreated: request.now.toISOString(),
      metadata: details["metadata"] === undefined || details["metadata"] === null ? {} : asObject(details["metadata"], "The field 'metadata'"),
      publicAccessType: optionalEnum(details, "publicAccessType", PUBLIC_ACCESS_TYPES) ?? "NoPublicAccess",
      storageTier: "Standard",
      objectEventsEnabled: optionalBoolean(details, "objectEventsEnabled") ?? false,
      versioning,
      replicationEnabled: false,
      isReadOnly: false,
      freeformTags: optionalTags(details, "freeformTags"),
      definedTags: optionalTags(details, "definedTags"),
      kmsKeyId: optionalString(details, "kmsKeyId") ?? null,
      approximateCount: null,
      approximateSize: null,
      autoTiering: null,
      objectLifecyclePolicyEtag: null,
    });
    buckets.set(name, { bucket, objects: new Map() });
    return json(200, bucket, { etag: bucket.etag, location: bucketLocation(name) });
  });

  // GetBucket: `fields=approximateCount,approximateSize` fills those in (null otherwise, as OCI
  // sends them); `if-none-match` with the current etag answers 304, `if-match` with another 412.
  router.add("GET", "/n/{namespaceName}/b/{bucketName}", (request) => {
    const { bucket, objects } = findBucket(request);
    checkIfMatch(request, bucket.etag);
    if (notModified(request, bucket.etag)) return empty(304, { etag: bucket.etag });
    const fields = new Set(
      (request.url.searchParams.getAll("fields").join(",") || "")
        .split(",")
        .filter((field) => field.trim() !== "")
        .map((field) => BUCKET_FIELDS.get(field.trim().toLowerCase())),
    );
    if (fields.has(undefined)) throw invalidParameter(`fields must be a comma-separated list of ${[...BUCKET_FIELDS.values()].join(", ")}.`);
    let size = 0;
    for (const object of objects.values()) size += object.data.byteLength;
    const answer: Bucket = {
      ...bucket,
      ...(fields.has("approximateCount") ? { approximateCount: objects.size } : {}),
      ...(fields.has("approximateSize") ? { approximateSize: size } : {}),
    };
    return json(200, answer, { etag: bucket.etag });
  });

  router.add("HEAD", "/n/{namespaceName}/b/{bucketName}", (request) => {
    const { bucket } = findBucket(request);
    checkIfMatch(request, bucket.etag);
    return empty(notModified(request, bucket.etag) ? 304 : 200, { etag: bucket.etag });
  });

  // UpdateBucket: only the fields given change; `name` renames the bucket (409 when taken).
  router.add("POST", "/n/{namespaceName}/b/{bucketName}", (request) => {
    const entry = findBucket(request);
    const { bucket } = entry;
    checkIfMatch(request, bucket.etag);
    const details = asObject(request.json(), "UpdateBucketDetails");
    const namespace = optionalString(details, "namespace");
    if (namespace !== undefined && namespace !== EMULATOR_NAMESPACE) throw invalidParameter(`The namespace '${namespace}' is not the bucket's ('${EMULATOR_NAMESPACE}').`);
    const name = optionalString(details, "name") ?? bucket.name;
    if (name !== bucket.name) {
      checkBucketName(name);
      if (buckets.has(name)) throw new EmulatorHttpError(409, "BucketAlreadyExists", `A bucket named '${name}' already exists in the namespace '${EMULATOR_NAMESPACE}'.`);
    }
    const { etag: _old, ...fields } = bucket;
    const updated = withEtag({
      ...fields,
      name,
      compartmentId: optionalString(details, "compartmentId") ?? bucket.compartmentId,
      metadata: details["metadata"] === undefined || details["metadata"] === null ? bucket.metadata : asObject(details["metadata"], "The field 'metadata'"),
      publicAccessType: optionalEnum(details, "publicAccessType", PUBLIC_ACCESS_TYPES) ?? bucket.publicAccessType,
      objectEventsEnabled: optionalBoolean(details, "objectEventsEnabled") ?? bucket.objectEventsEnabled,
      versioning: optionalEnum(details, "versioning", VERSIONING_UPDATES) ?? bucket.versioning,
      freeformTags: details["freeformTags"] === undefined || details["freeformTags"] === null ? bucket.freeformTags : optionalTags(details, "freeformTags"),
      definedTags: details["definedTags"] === undefined || details["definedTags"] === null ? bucket.definedTags : optionalTags(details, "definedTags"),
      kmsKeyId: optionalString(details, "kmsKeyId") ?? bucket.kmsKeyId,
    });
    buckets.delete(bucket.name);
    buckets.set(name, { bucket: updated, objects: entry.objects });
    return json(200, updated, { etag: updated.etag });
  });

  // DeleteBucket: 204 with no body; a bucket that still holds objects answers 409 BucketNotEmpty.
  router.add("DELETE", "/n/{namespaceName}/b/{bucketName}", (request) => {
    const { bucket, objects } = findBucket(request);
    checkIfMatch(request, bucket.etag);
    if (objects.size > 0) {
      throw new EmulatorHttpError(409, "BucketNotEmpty", `Bucket named '${bucket.name}' is not empty. Delete all objects first.`);
    }
    buckets.delete(bucket.name);
    return empty(204);
  });

  router.add(
    "PUT",
    "/n/{namespaceName}/b/{bucketName}/o/{objectName+}",
    (request) => {
      const { objects } = findBucket(request);
      const headers: Record<string, string> = { "content-type": "application/octet-stream" };
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string" && (KEPT_HEADERS.includes(name) || name.startsWith("opc-meta-"))) headers[name] = value;
      }
      const md5 = createHash("md5").update(request.body).digest("base64");
      const expectedMd5 = request.headers["content-md5"];
      if (typeof expectedMd5 === "string" && expectedMd5 !== md5) {
        throw new EmulatorHttpError(400, "InvalidContentMD5", "The content-md5 header does not match the body received.");
      }
      const object: StoredObject = {
        data: request.body,
        etag: createHash("sha256").update(request.body).update(request.now.toISOString()).digest("hex").slice(0, 32),
        md5,
        lastModified: request.now.toUTCString(),
        headers,
      };
      objects.set(request.params["objectName"] ?? "", object);
      return empty(200, { etag: object.etag, "opc-content-md5": md5, "last-modified": object.lastModified });
    },
    UNSIGNED_BODY,
  );

  // ListObjects pages as Object Storage does: by object name, not opc-next-page. A page holds up
  // to `limit` names (in order) that are ≥ `start`, > `startAfter`, < `end` and begin with
  // `prefix`; when more remain, `nextStartWith` is the name of the next page's first object (the
  // next request's `start`), and it is absent on the last page. Summaries hold `name` only unless
  // `fields` (comma-separated, case-insensitive) asks for more.
  router.add("GET", "/n/{namespaceName}/b/{bucketName}/o", (request) => {
    const { objects } = findBucket(request);
    const query = request.url.searchParams;
    const prefix = query.get("prefix") ?? "";
    const start = query.get("start");
    const startAfter = query.get("startAfter");
    const end = query.get("end");
    const limit = pageLimit(request.url, MAX_LIMIT, MAX_LIMIT);
    if (query.get("delimiter") !== null) throw invalidParameter("The emulator's ListObjects does not support `delimiter`.");
    const fields = new Set((query.get("fields") ?? "name").split(",").map((field) => OBJECT_FIELDS.get(field.trim().toLowerCase())));
    if (fields.has(undefined)) throw invalidParameter(`fields must be a comma-separated list of ${[...OBJECT_FIELDS.values()].join(", ")}.`);
    const names = [...objects.keys()]
      .filter((name) => name.startsWith(prefix) && (start === null || name >= start) && (startAfter === null || name > startAfter) && (end === null || name < end))
      .sort();
    const page = names.slice(0, limit).map((name) => {
      const object = objects.get(name)!;
      const time = new Date(object.lastModified).toISOString();
      const all: Record<string, unknown> = { name, size: object.data.byteLength, etag: object.etag, md5: object.md5, timeCreated: time, timeModified: time, storageTier: "Standard" };
      return Object.fromEntries(Object.entries(all).filter(([field]) => fields.has(field)));
    });
    const next = names[limit];
    return json(200, next === undefined ? { objects: page } : { objects: page, nextStartWith: next });
  });

  router.add("GET", "/n/{namespaceName}/b/{bucketName}/o/{objectName+}", (request) => {
    const object = findObject(request);
    return bytes(200, object.data, objectHeaders(object));
  });

  router.add("HEAD", "/n/{namespaceName}/b/{bucketName}/o/{objectName+}", (request) => {
    const object = findObject(request);
    return empty(200, objectHeaders(object));
  });

  router.add("DELETE", "/n/{namespaceName}/b/{bucketName}/o/{objectName+}", (request) => {
    findObject(request);
    findBucket(request).objects.delete(request.params["objectName"] ?? "");
    return empty(204);
  });

  // Multipart uploads are not emulated; UploadPart is mounted so that its unsigned body is
  // verified as OCI does, and then answers as for an unknown upload.
  router.add(
    "PUT",
    "/n/{namespaceName}/b/{bucketName}/u/{objectName+}",
    (request) => {
      findBucket(request);
      throw new EmulatorHttpError(404, "NoSuchUpload", `The upload '${request.url.searchParams.get("uploadId") ?? ""}' does not exist.`);
    },
    UNSIGNED_BODY,
  );
}
