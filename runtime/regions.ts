/**
 * Regions, realms and service endpoints on Node: the lookups of region-table.ts (the built-in
 * table) with, as in the official SDKs, the regions it does not know from
 * `~/.oci/regions-config.json` (an array of `{realmKey, realmDomainComponent, regionKey,
 * regionIdentifier}`) and the `OCI_REGION_METADATA` environment variable (one such object as
 * JSON). Both are read only when a lookup misses the built-in table — never at import — and
 * not cached, so nothing here holds state.
 */
import { readFileSync } from "node:fs";
import { isMissingFile, whyUnreadable } from "./files.js";
import { expandHome } from "./keys.js";
import {
  fillEndpointTemplateFrom,
  federationEndpointFrom,
  realmDomainFrom,
  regionFromMetadata,
  regionInfoFrom,
  regionNameFrom,
  regionNameOrAsGivenFrom,
  REGIONS_CONFIG_FILE,
  serviceEndpointFrom,
  type EndpointOptions,
  type ExtraRegions,
  type RegionInfo,
  type RegionLookupOptions,
} from "./region-table.js";
import type { OciRawError } from "./errors.js";

export {
  EMULATOR_CONFIG_REGION,
  isEmulatorRegion,
  knownRegions,
  refuseUnlessLoopback,
  REGIONS_CONFIG_FILE,
} from "./region-table.js";
export type { EndpointOptions, RegionInfo, RegionLookupOptions } from "./region-table.js";

/** Regions described outside the built-in table on Node: the regions config file, then OCI_REGION_METADATA. */
export const nodeExtraRegions: ExtraRegions = (options) => {
  const regions: RegionInfo[] = [];
  const problems: string[] = [];
  const file = expandHome(options.regionsConfigFile ?? REGIONS_CONFIG_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    if (!isMissingFile(cause)) problems.push(`${file} ${whyUnreadable(cause)}`);
  }
  if (text !== undefined) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (!Array.isArray(parsed)) problems.push(`${file} is not a JSON array`);
      else for (const item of parsed) {
        const region = regionFromMetadata(item);
        if (region) regions.push(region);
        else problems.push(`${file} has an entry without realmKey, realmDomainComponent, regionKey and regionIdentifier`);
      }
    } catch {
      problems.push(`${file} is not valid JSON`);
    }
  }
  const fromEnv = (options.env ?? process.env)["OCI_REGION_METADATA"];
  if (fromEnv) {
    let region: RegionInfo | undefined;
    try {
      region = regionFromMetadata(JSON.parse(fromEnv));
    } catch {
      // reported below
    }
    if (region) regions.push(region);
    else problems.push("OCI_REGION_METADATA is not a JSON object with realmKey, realmDomainComponent, regionKey and regionIdentifier");
  }
  return { regions, problems, places: [file, "OCI_REGION_METADATA"] };
};


/**
 * Everything known about a region, given by name (`us-phoenix-1`) or short code (`phx`,
 * any case). Throws `OciRawError` with code `UNKNOWN_REGION` when neither the built-in table
 * nor the regions config file nor `OCI_REGION_METADATA` knows it.
 */
export function regionInfo(region: string, options: RegionLookupOptions = {}): RegionInfo {
  return regionInfoFrom(nodeExtraRegions, region, options);
}

/**
 * The canonical region name: `regionName("phx")` → `us-phoenix-1`. A name the tables don't
 * know is returned as given (lower-cased) when it looks like a region name, since a
 * region's name is usable where its realm is not needed; an unknown short code throws.
 */
export function regionName(region: string, options: RegionLookupOptions = {}): string {
  return regionNameFrom(nodeExtraRegions, region, options);
}

/** region-table.ts `regionNameOrAsGivenFrom` over the Node sources. */
export function regionNameOrAsGiven(region: string, options: RegionLookupOptions = {}): { name: string; unknown: OciRawError | undefined } {
  return regionNameOrAsGivenFrom(nodeExtraRegions, region, options);
}

/** The realm's second-level domain: `realmDomain("us-phoenix-1")` → `oraclecloud.com`. */
export function realmDomain(region: string, options: RegionLookupOptions = {}): string {
  return realmDomainFrom(nodeExtraRegions, region, options);
}

/** `serviceEndpoint("identity", "phx")` → `https://identity.us-phoenix-1.oraclecloud.com`. */
export function serviceEndpoint(service: string, region: string, options: EndpointOptions = {}): string {
  return serviceEndpointFrom(nodeExtraRegions, service, region, options);
}

/** region-table.ts `fillEndpointTemplateFrom` over the Node sources. */
export function fillEndpointTemplate(template: string, region: string, options: RegionLookupOptions = {}): string {
  return fillEndpointTemplateFrom(nodeExtraRegions, template, region, options);
}

/** The federation (Auth service) endpoint: `https://auth.<region>.<domain>/v1/x509`. */
export function federationEndpoint(region: string, options: RegionLookupOptions = {}): string {
  return federationEndpointFrom(nodeExtraRegions, region, options);
}
