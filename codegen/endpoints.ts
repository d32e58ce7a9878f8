/**
 * Which endpoint template a generated service gets (DECISIONS.md 5): the `--endpoint`
 * option, else a real OCI host from the spec, else a built-in table of Oracle's service
 * names. Oracle's specs mostly carry no usable host (`localhost:9000`, none, …).
 */

/** Oracle service names (and the spec file names they come under) → endpoint template. */
const KNOWN_ENDPOINTS: Readonly<Record<string, string | null>> = {
  identity: "https://identity.{region}.{domain}",
  iaas: "https://iaas.{region}.{domain}",
  core: "https://iaas.{region}.{domain}",
  compute: "https://iaas.{region}.{domain}",
  workrequests: "https://iaas.{region}.{domain}",
  objectstorage: "https://objectstorage.{region}.{domain}",
  database: "https://database.{region}.{domain}",
  functions: "https://functions.{region}.{domain}",
  telemetry: "https://telemetry.{region}.{domain}",
  monitoring: "https://telemetry.{region}.{domain}",
  secrets: "https://secrets.vaults.{region}.oci.{domain}",
  secretretrieval: "https://secrets.vaults.{region}.oci.{domain}",
  vaults: "https://vaults.{region}.oci.{domain}",
  vault: "https://vaults.{region}.oci.{domain}",
  secretmgmt: "https://vaults.{region}.oci.{domain}",
  audit: "https://audit.{region}.{domain}",
  // Keys live at each vault's own management endpoint: the client must be given `endpoint`.
  kms: null,
  key: null,
};

/** `secrets.vaults.$region.oci.oraclecloud.com` → `https://secrets.vaults.{region}.oci.{domain}`. */
export function templateFromHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const bare = host.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
  const templated = /\$\{?region\}?|\{region\}/.test(bare);
  const oracle = /\.(oraclecloud|oraclegovcloud|oracleiaas)\.[a-z.]+$/i.test(bare) || /\.oraclecloud\.com$/i.test(bare);
  if (!templated && !oracle) return undefined;
  // `$region`, or a concrete region (`us-phoenix-1`): the client's region goes there.
  const withRegion = bare.replace(/\$\{?region\}?/g, "{region}").replace(/(^|\.)[a-z]+-[a-z]+-\d+(?=\.)/, "$1{region}");
  const withDomain = withRegion.replace(/(oraclecloud\.com|oraclegovcloud\.com|oraclegovcloud\.uk)$/i, "{domain}");
  return "https://" + withDomain;
}

export interface EndpointChoice {
  /** undefined: per-resource endpoints, or unknown (then `known` is false). */
  template: string | undefined;
  source: "option" | "spec" | "table" | "per-resource" | "unknown";
}

/** Tries the whole service name, then each part of it (`core-iaas` → core; `kms-key` → kms). */
export function chooseEndpoint(serviceName: string, host: string | undefined, option: string | undefined): EndpointChoice {
  if (option) return { template: option, source: "option" };
  const fromHost = templateFromHost(host);
  if (fromHost) return { template: fromHost, source: "spec" };
  const candidates = [serviceName.toLowerCase(), ...serviceName.toLowerCase().split(/[^a-z0-9]+/)];
  for (const candidate of candidates) {
    if (Object.prototype.hasOwnProperty.call(KNOWN_ENDPOINTS, candidate)) {
      const template = KNOWN_ENDPOINTS[candidate];
      return template ? { template, source: "table" } : { template: undefined, source: "per-resource" };
    }
  }
  return { template: undefined, source: "unknown" };
}
