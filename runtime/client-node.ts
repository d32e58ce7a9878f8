/**
 * `createClient` as the Node entry (`oci-raw`) exports it: a region outside the built-in table
 * is looked up in `~/.oci/regions-config.json` and `OCI_REGION_METADATA`, as the official SDKs
 * do. Apart from that file read, client.ts is the same for every runtime.
 */
import { createClientWith, type Client, type ClientOptions } from "./client.js";
import { nodeExtraRegions } from "./regions.js";

export function createClient(options: ClientOptions): Client {
  return createClientWith(options, nodeExtraRegions);
}
