/**
 * Oracle's specs by service name: the catalog (Oracle's index, built in, or a newer one from a
 * file), downloads checked against the SHA-256 that names each file, and a cache so that
 * regenerating works offline. A download that does not hash to its name is refused before
 * anything is cached or generated.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { closest } from "../runtime/suggest.js";
import { CATALOG_ROWS, ORACLE_SPECS_BASE_URL } from "./catalog-data.js";
import { GenerateError } from "./errors.js";

export { ORACLE_SPECS_BASE_URL };

export interface CatalogEntry {
  /** The service's name in Oracle's index, e.g. `identity`, `iaas`. */
  readonly service: string;
  readonly title: string;
  /** Oracle's URL; its file name is the file's SHA-256. */
  readonly url: string;
  readonly bytes: number;
}

/** Where a generated client's spec came from, as its header records it. */
export interface SpecSource {
  /** The catalog's service name, when the spec was asked for by name or is in the catalog. */
  readonly service: string | undefined;
  /** Oracle's URL (never a mirror's: the header must not depend on where it was downloaded). */
  readonly url: string;
  readonly sha256: string;
}

export interface FetchSpecOptions {
  /** The catalog to look names up in (default: the built-in one). */
  catalog?: readonly CatalogEntry[] | undefined;
  /** Where downloaded specs are kept (default: `defaultSpecsCacheDir()`). */
  cacheDir?: string | undefined;
  /** A mirror serving `<sha256>.yaml` files, instead of Oracle's site (`--specs-base-url`, `OCI_RAW_SPECS_BASE_URL`). */
  baseUrl?: string | undefined;
  /** Default: the platform's fetch. */
  fetch?: typeof fetch | undefined;
  /** Per download (default 120 000). */
  timeoutMs?: number | undefined;
}

export interface FetchedSpec {
  /** The spec file in the cache. */
  readonly file: string;
  readonly source: SpecSource;
  /** True when the cache had it (nothing was downloaded). */
  readonly fromCache: boolean;
}

const SHA256_NAME = /^([0-9a-f]{64})\.(ya?ml|json)$/;

/** The built-in catalog: Oracle's index as harvested (see catalog-data.ts). */
export function builtInCatalog(): readonly CatalogEntry[] {
  return CATALOG_ROWS.map(([service, title, file, bytes]) => ({ service, title, url: ORACLE_SPECS_BASE_URL + file, bytes }));
}

/** A catalog file: `{ "specs": [{ "service", "title", "url", "bytes" }] }` (the built-in catalog's shape). */
export function readCatalog(file: string): CatalogEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new GenerateError(`the catalog could not be read (${(error as Error).message}).`, { file });
  }
  const specs = (doc as { specs?: unknown } | null)?.specs;
  if (!Array.isArray(specs)) throw new GenerateError(`a catalog is {"specs": [{"service", "title", "url", "bytes"}]}; this file has no "specs" list.`, { file });
  return specs.map((entry: unknown, i) => {
    const e = entry as Partial<CatalogEntry> | null;
    if (typeof e?.service !== "string" || typeof e.url !== "string" || !SHA256_NAME.test(fileNameOf(e.url))) {
      throw new GenerateError(`entry ${i} needs a "service" name and a "url" whose file name is the spec's SHA-256 (<64 hex>.yaml).`, { file, pointer: `/specs/${i}` });
    }
    return { service: e.service, title: typeof e.title === "string" ? e.title : "", url: e.url, bytes: typeof e.bytes === "number" ? e.bytes : 0 };
  });
}

function fileNameOf(url: string): string {
  try {
    return new URL(url).pathname.split("/").pop() ?? "";
  } catch {
    return "";
  }
}

/**
 * The user's cache directory for specs: `$XDG_CACHE_HOME/oci-raw/specs` (default
 * `~/.cache/…`), `~/Library/Caches/oci-raw/specs` on macOS, `%LOCALAPPDATA%\oci-raw\Cache\specs` on Windows.
 */
export function defaultSpecsCacheDir(env: Readonly<Record<string, string | undefined>> = process.env, platform: string = process.platform): string {
  if (platform === "win32") return join(env["LOCALAPPDATA"] ?? join(homedir(), "AppData", "Local"), "oci-raw", "Cache", "specs");
  if (platform === "darwin") return join(homedir(), "Library", "Caches", "oci-raw", "specs");
  return join(env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "oci-raw", "specs");
}

/** True when `value` names a spec by catalog name or by URL rather than a file. */
export function looksLikeCatalogRef(value: string): boolean {
  return /^https?:\/\//i.test(value) || /^[a-z0-9][a-z0-9-]*$/.test(value);
}

/** The catalog entry (or bare URL) `nameOrUrl` means. */
export function findSpec(nameOrUrl: string, catalog: readonly CatalogEntry[] = builtInCatalog()): SpecSource {
  if (/^https?:\/\//i.test(nameOrUrl)) {
    const match = SHA256_NAME.exec(fileNameOf(nameOrUrl));
    if (!match) {
      throw new GenerateError("a spec URL must end in its SHA-256 (…/<64 hex digits>.yaml), as Oracle's do, so the download can be checked. Download other specs yourself and pass the file.", { file: nameOrUrl });
    }
    const entry = catalog.find((e) => fileNameOf(e.url) === fileNameOf(nameOrUrl));
    return { service: entry?.service, url: nameOrUrl, sha256: match[1]! };
  }
  const name = nameOrUrl.toLowerCase();
  const entries = catalog.filter((e) => e.service === name);
  if (entries.length === 0) {
    const near = closest(name, catalog.map((e) => e.service));
    throw new GenerateError(
      `no spec file or catalog service of that name.${near ? ` Did you mean ${near}?` : ""} \`oci-raw specs\` lists the catalog; a file path works too.`,
      { file: nameOrUrl },
    );
  }
  if (entries.length > 1) {
    throw new GenerateError(`the catalog lists ${entries.length} specs for this service; pass the one you want by URL:\n${entries.map((e) => `  ${e.url} (${e.bytes} bytes)`).join("\n")}`, {
      file: nameOrUrl,
    });
  }
  const entry = entries[0]!;
  return { service: entry.service, url: entry.url, sha256: SHA256_NAME.exec(fileNameOf(entry.url))![1]! };
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The spec `nameOrUrl` names, from the cache or downloaded (from `baseUrl` when given) and
 * checked against its SHA-256. Errors are GenerateErrors saying what to do.
 */
export async function fetchSpec(nameOrUrl: string, options: FetchSpecOptions = {}): Promise<FetchedSpec> {
  const source = findSpec(nameOrUrl, options.catalog ?? builtInCatalog());
  const label = source.service ?? nameOrUrl;
  const extension = SHA256_NAME.exec(fileNameOf(source.url))![2]!;
  const cacheDir = options.cacheDir ?? defaultSpecsCacheDir();
  const file = join(cacheDir, `${source.sha256}.${extension}`);

  try {
    if (sha256(readFileSync(file)) === source.sha256) return { file, source, fromCache: true };
    rmSync(file, { force: true }); // damaged: download again
  } catch {
    // not cached yet
  }

  const base = options.baseUrl;
  const from = base === undefined || base === "" ? source.url : `${base.replace(/\/+$/, "")}/${source.sha256}.${extension}`;
  let bytes: Uint8Array;
  try {
    const response = await (options.fetch ?? fetch)(from, { signal: AbortSignal.timeout(options.timeoutMs ?? 120_000), redirect: "follow" });
    if (!response.ok) {
      throw new GenerateError(`downloading ${from} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}. Check the name (\`oci-raw specs\`)${base ? " and that the mirror has the file" : ""}.`, {
        file: label,
      });
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (error instanceof GenerateError) throw error;
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new GenerateError(
      `downloading ${from} failed (${reason}). Offline? A cached copy is used when present (--cache); --specs-base-url points at a mirror.`,
      { file: label, cause: error },
    );
  }
  const actual = sha256(bytes);
  if (actual !== source.sha256) {
    throw new GenerateError(
      `the file downloaded from ${from} has SHA-256 ${actual}, not the ${source.sha256} its name promises: refused (a damaged or altered download). Nothing was cached or generated.`,
      { file: label },
    );
  }
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, file);
  } catch (error) {
    throw new GenerateError(`the spec could not be cached in ${cacheDir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); choose another --cache.`, {
      file: label,
      cause: error,
    });
  }
  return { file, source, fromCache: false };
}

/** The line generated files carry for a spec from the catalog (read back by `recordedSource`). */
export function sourceLine(source: SpecSource): string {
  return `// Spec: ${source.url} (sha256 ${source.sha256})`;
}

/** The SHA-256 an earlier run recorded in a generated file's header, if any. */
export function recordedSha256(generatedText: string): string | undefined {
  return /^\/\/ Spec: \S+ \(sha256 ([0-9a-f]{64})\)$/m.exec(generatedText.split("\n", 6).join("\n"))?.[1];
}
