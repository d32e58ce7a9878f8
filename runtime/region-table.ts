/**
 * Regions, realms and service endpoints: the built-in table and the lookups over it, pure (no
 * file, no environment). Where a region outside the table may be described — Node's
 * `~/.oci/regions-config.json` and `OCI_REGION_METADATA` (regions.ts) — is an `ExtraRegions`
 * source the caller passes; the web entry has none, so it knows the built-in table and
 * explicit endpoints.
 *
 * The built-in table is facts from the public OCI SDKs (oci-typescript-sdk `region.ts` /
 * `realm.ts`, oci-python-sdk `regions_definitions.py`).
 */
import { OciRawError } from "./errors.js";

/** Realm key → second-level domain. */
const REALM_DOMAINS: Readonly<Record<string, string>> = {
  oc1: "oraclecloud.com",
  oc2: "oraclegovcloud.com",
  oc3: "oraclegovcloud.com",
  oc4: "oraclegovcloud.uk",
  oc8: "oraclecloud8.com",
  oc9: "oraclecloud9.com",
  oc10: "oraclecloud10.com",
  oc14: "oraclecloud14.com",
  oc15: "oraclecloud15.com",
  oc19: "oraclecloud.eu",
  oc20: "oraclecloud20.com",
  oc21: "oraclecloud21.com",
  oc23: "oraclecloud23.com",
  oc24: "oraclecloud24.com",
  oc26: "oraclecloud26.com",
  oc29: "oraclecloud29.com",
  oc35: "oraclecloud35.com",
  oc42: "oraclecloud42.com",
  oc51: "oraclecloud51.com",
  oc52: "oraclecloud52.com",
};

/** `realm: region/code region/code …`, one realm a line (compact; parsed into maps at load). */
const REGION_TABLE = `
oc1: ap-chuncheon-1/yny ap-mumbai-1/bom ap-hyderabad-1/hyd ap-seoul-1/icn ap-sydney-1/syd ap-melbourne-1/mel
oc1: ap-osaka-1/kix ap-tokyo-1/nrt ca-montreal-1/yul ca-toronto-1/yyz eu-frankfurt-1/fra eu-zurich-1/zrh
oc1: sa-saopaulo-1/gru uk-cardiff-1/cwl uk-london-1/lhr us-ashburn-1/iad us-phoenix-1/phx eu-amsterdam-1/ams
oc1: me-jeddah-1/jed us-sanjose-1/sjc me-dubai-1/dxb sa-santiago-1/scl sa-vinhedo-1/vcp il-jerusalem-1/mtz
oc1: eu-marseille-1/mrs ap-singapore-1/sin me-abudhabi-1/auh eu-milan-1/lin eu-stockholm-1/arn
oc1: af-johannesburg-1/jnb eu-paris-1/cdg mx-queretaro-1/qro eu-madrid-1/mad us-chicago-1/ord mx-monterrey-1/mty
oc1: us-saltlake-2/aga sa-bogota-1/bog sa-valparaiso-1/vap ap-singapore-2/xsp me-riyadh-1/ruh ap-delhi-1/onm
oc1: ap-batam-1/hsg eu-madrid-3/orf eu-turin-1/nrq ap-kulai-2/jbp af-casablanca-1/lej
oc2: us-langley-1/lfi us-luke-1/luf
oc3: us-gov-ashburn-1/ric us-gov-chicago-1/pia us-gov-phoenix-1/tus
oc4: uk-gov-london-1/ltn uk-gov-cardiff-1/brs
oc8: ap-chiyoda-1/nja ap-ibaraki-1/ukb
oc9: me-dcc-muscat-1/mct me-ibri-1/ibr
oc10: ap-dcc-canberra-1/wga
oc14: eu-dcc-milan-1/bgy eu-dcc-milan-2/mxp eu-dcc-dublin-2/snn eu-dcc-rating-2/dtm eu-dcc-rating-1/dus eu-dcc-dublin-1/ork
oc15: ap-dcc-gazipur-1/dac
oc19: eu-madrid-2/vll eu-frankfurt-2/str
oc20: eu-jovanovac-1/beg
oc21: me-dcc-doha-1/doh me-alrayyan-1/vve
oc23: us-somerset-1/ebb us-thames-1/ebl
oc24: eu-dcc-zurich-1/avz eu-crissier-1/avf
oc26: me-abudhabi-3/ahu me-alain-1/rba
oc29: me-abudhabi-2/rkt me-abudhabi-4/shj
oc35: ap-seoul-2/dtz ap-suwon-1/dln ap-chuncheon-2/bno
oc42: us-ashburn-2/yxj us-newark-1/pgc
oc51: eu-budapest-1/jsk
oc52: sa-riodejaneiro-1/hnw
`;

/** What is known about one region. */
export interface RegionInfo {
  /** e.g. `us-phoenix-1` */
  readonly name: string;
  /** e.g. `phx` */
  readonly code: string;
  /** e.g. `oc1` */
  readonly realm: string;
  /** e.g. `oraclecloud.com` */
  readonly domain: string;
}

export interface RegionLookupOptions {
  /** Environment for `OCI_REGION_METADATA` (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Default `~/.oci/regions-config.json`. */
  regionsConfigFile?: string | undefined;
}

export const REGIONS_CONFIG_FILE = "~/.oci/regions-config.json";

/**
 * The region the oci-raw emulator writes into its config (and its instance metadata and
 * resource principals report). It is not an OCI region, and no endpoint is ever built from
 * it: `regionInfo`, `regionName`, `serviceEndpoint`, `createClient({ region })` throw
 * `EMULATOR_REGION` instead, so code following a region-based example with the emulator's
 * config gets told to pass the emulator's URL as its endpoint rather than reaching Oracle.
 */
export const EMULATOR_CONFIG_REGION = "oci-raw-emulator";

/** Whether `region` (any case, spaces trimmed) is the emulator's. */
export function isEmulatorRegion(region: string | undefined): boolean {
  return region !== undefined && region.trim().toLowerCase() === EMULATOR_CONFIG_REGION;
}

/** Loopback hosts: the only ones the emulator listens on. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Credentials that belong to the emulator (its config, instance metadata or resource principal
 * environment names EMULATOR_CONFIG_REGION) sign only requests to loopback: a request to any
 * other host — an example's literal `https://identity.us-ashburn-1.oraclecloud.com` — is
 * refused with `EMULATOR_REGION` before anything is signed or sent. `whose` says whose
 * credentials they are, for the message.
 */
export function refuseUnlessLoopback(url: string | URL, whose: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return; // not ours to judge: signing reports a bad URL itself
  }
  if (isLoopbackHost(parsed.hostname)) return;
  throw new OciRawError(
    `${whose} belong to the oci-raw emulator (region ${EMULATOR_CONFIG_REGION}): they sign only requests to the emulator on loopback, ` +
      `not to ${parsed.origin}. Nothing was sent. Use the emulator's URL (printed by \`oci-raw emulator\`, or emulator.url) in place of ${parsed.origin}.`,
    { code: "EMULATOR_REGION" },
  );
}

function emulatorRegionError(region: string): OciRawError {
  return new OciRawError(
    `Region "${region.trim()}" is the oci-raw emulator's: it has no OCI endpoints, and none is built from it (that would send the emulator's ` +
      `requests to Oracle). Pass the emulator's URL as the endpoint — createClient({ endpoint }) with the URL \`oci-raw emulator\` prints ` +
      `(or emulator.url), e.g. http://127.0.0.1:PORT — and use that origin in raw requests.`,
    { code: "EMULATOR_REGION" },
  );
}

interface BuiltIn {
  readonly byName: ReadonlyMap<string, RegionInfo>;
  readonly byCode: ReadonlyMap<string, RegionInfo>;
}

/**
 * The built-in table, parsed on first use (a pure function of the constant above, no I/O): not
 * at import, where it cost a program that never looks up a region about a millisecond of its
 * cold start (benchmark figure 4). Kept once parsed; every copy of this module parses its own.
 */
let builtIn: BuiltIn | undefined;
function builtInTable(): BuiltIn {
  return (builtIn ??= parseRegionTable(REGION_TABLE));
}

function parseRegionTable(table: string): BuiltIn {
  const byName = new Map<string, RegionInfo>();
  const byCode = new Map<string, RegionInfo>();
  for (const line of table.trim().split("\n")) {
    const [realm, list] = line.split(": ") as [string, string];
    for (const entry of list.split(" ")) {
      const [name, code] = entry.split("/") as [string, string];
      const info = Object.freeze({ name, code, realm, domain: REALM_DOMAINS[realm]! });
      byName.set(name, info);
      byCode.set(code, info);
    }
  }
  return { byName, byCode };
}

/** Every region of the built-in table. */
export function knownRegions(): RegionInfo[] {
  return [...builtInTable().byName.values()];
}

export function regionFromMetadata(value: unknown): RegionInfo | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const fields = [m["realmKey"], m["realmDomainComponent"], m["regionKey"], m["regionIdentifier"]];
  if (!fields.every((f) => typeof f === "string" && f.trim() !== "")) return undefined;
  const [realm, domain, code, name] = (fields as string[]).map((f) => f.trim().toLowerCase()) as [string, string, string, string];
  // They become a host name (https://<service>.<name>.<domain>): anything but labels could send
  // the signed request elsewhere (`x.com@other.host`, `x.com/…`).
  const label = /^[a-z0-9-]+$/;
  if (![realm, code, name].every((part) => label.test(part)) || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) return undefined;
  return Object.freeze({ name, code, realm, domain });
}

/** Looks like a region name (`us-phoenix-1`, `us-gov-ashburn-1`) rather than a short code. */
function looksLikeRegionName(value: string): boolean {
  return /^[a-z]+(-[a-z0-9]+)+-\d+$/.test(value);
}

/**
 * Regions described outside the built-in table, consulted only when a lookup misses it:
 * the regions found, notes on what could not be read, and the places looked (for the error).
 */
export type ExtraRegions = (options: RegionLookupOptions) => { regions: RegionInfo[]; problems: string[]; places: string[] };

/** No source beyond the built-in table (the web entry: no file system, no process environment). */
export const NO_EXTRA_REGIONS: ExtraRegions = () => ({ regions: [], problems: [], places: [] });

/**
 * Everything known about a region, given by name (`us-phoenix-1`) or short code (`phx`,
 * any case). Throws `OciRawError` with code `UNKNOWN_REGION` when neither the built-in table
 * nor the regions config file nor `OCI_REGION_METADATA` knows it.
 */
export function regionInfoFrom(extra: ExtraRegions, region: string, options: RegionLookupOptions = {}): RegionInfo {
  const key = region.trim().toLowerCase();
  if (key === EMULATOR_CONFIG_REGION) throw emulatorRegionError(region);
  const table = builtInTable();
  const known = table.byName.get(key) ?? table.byCode.get(key);
  if (known) return known;
  const more = extra(options);
  const found = more.regions.find((r) => r.name === key || r.code === key);
  if (found) return found;
  const problems = more.problems.length > 0 ? ` (Note: ${more.problems.join("; ")}.)` : "";
  const places = more.places.length > 0 ? more.places.join(" or ") : undefined;
  throw new OciRawError(
    `Unknown OCI region "${region}": not a region name or short code oci-raw knows` +
      (places === undefined ? "." : `, and neither ${more.places.join(" nor ")} describes it.`) +
      ` Check the spelling (e.g. us-phoenix-1 or phx); ` +
      (places === undefined ? "for a new region " : `for a new region add {"realmKey","realmDomainComponent","regionKey","regionIdentifier"} to ${places}, or `) +
      `pass an explicit endpoint.${problems}`,
    { code: "UNKNOWN_REGION" },
  );
}

/**
 * The canonical region name: `regionName("phx")` → `us-phoenix-1`. A name the tables don't
 * know is returned as given (lower-cased) when it looks like a region name, since a
 * region's name is usable where its realm is not needed; an unknown short code throws.
 */
export function regionNameFrom(extra: ExtraRegions, region: string, options: RegionLookupOptions = {}): string {
  const key = region.trim().toLowerCase();
  try {
    return regionInfoFrom(extra, key, options).name;
  } catch (err) {
    if (looksLikeRegionName(key) && !isEmulatorRegion(key)) return key;
    throw err;
  }
}

/**
 * A region as the environment names it (instance metadata, `OCI_RESOURCE_PRINCIPAL_REGION`):
 * its canonical name when it is known, else the value trimmed and lower-cased, with the
 * lookup's error as `unknown` for callers that need the region's realm.
 */
export function regionNameOrAsGivenFrom(extra: ExtraRegions, region: string, options: RegionLookupOptions = {}): { name: string; unknown: OciRawError | undefined } {
  try {
    return { name: regionNameFrom(extra, region, options), unknown: undefined };
  } catch (error) {
    if (!(error instanceof OciRawError)) throw error;
    return { name: region.trim().toLowerCase(), unknown: error };
  }
}

/** The realm's second-level domain: `realmDomain("us-phoenix-1")` → `oraclecloud.com`. */
export function realmDomainFrom(extra: ExtraRegions, region: string, options: RegionLookupOptions = {}): string {
  return regionInfoFrom(extra, region, options).domain;
}

export interface EndpointOptions extends RegionLookupOptions {
  /** Use the newer `<service>.<region>.oci.<domain>` form. */
  oci?: boolean | undefined;
}

/** `serviceEndpoint("identity", "phx")` → `https://identity.us-phoenix-1.oraclecloud.com`. */
export function serviceEndpointFrom(extra: ExtraRegions, service: string, region: string, options: EndpointOptions = {}): string {
  const info = regionInfoFrom(extra, region, options);
  return `https://${service}.${info.name}.${options.oci ? "oci." : ""}${info.domain}`;
}

/**
 * Fill an endpoint template such as `https://iaas.{region}.{domain}` (generated
 * `ServiceInfo.endpointTemplate`). Also accepts `{secondLevelDomain}` (the SDKs' name) and
 * `$region`. The domain is only looked up when the template needs it.
 */
export function fillEndpointTemplateFrom(extra: ExtraRegions, template: string, region: string, options: RegionLookupOptions = {}): string {
  const needsDomain = template.includes("{domain}") || template.includes("{secondLevelDomain}");
  const info = needsDomain ? regionInfoFrom(extra, region, options) : undefined;
  const name = info?.name ?? regionNameFrom(extra, region, options);
  return template
    .replaceAll("{region}", name)
    .replaceAll("$region", name)
    .replaceAll("{domain}", info?.domain ?? "")
    .replaceAll("{secondLevelDomain}", info?.domain ?? "");
}

/** The federation (Auth service) endpoint: `https://auth.<region>.<domain>/v1/x509`. */
export function federationEndpointFrom(extra: ExtraRegions, region: string, options: RegionLookupOptions = {}): string {
  return `${serviceEndpointFrom(extra, "auth", region, options)}/v1/x509`;
}
