/**
 * Every auth path on one emulator: instance metadata (IMDS) and the X.509 federation endpoint
 * (instance principals) and the resource-principal endpoints, with the environment a shell or
 * a child process needs to use them — OCI_METADATA_BASE_URL, OCI_RAW_FEDERATION_ENDPOINT and a
 * version 2.2 OCI_RESOURCE_PRINCIPAL_* set whose token and private key are files (mode 0600).
 *
 * The instance's region is the emulator's (EMULATOR_CONFIG_REGION, not an OCI region): code
 * that builds an endpoint from it gets a typed error instead of reaching an Oracle host.
 */
import { generateKeyPair, type KeyObject } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { EMULATOR_CONFIG_REGION } from "../runtime/regions.js";
import { mountInstancePrincipals, type MountedImds } from "./imds.js";
import type { MountedFederation } from "./federation.js";
import { mountResourcePrincipals, type MountedResourcePrincipals } from "./resource-principals.js";
import type { Emulator } from "./types.js";

const generateKeyPairAsync = promisify(generateKeyPair);

export interface AuthEnvironment {
  /** Variable name → value, in the order to print them. Values are URLs, versions and file paths, never key text. */
  readonly variables: Readonly<Record<string, string>>;
  /** The files holding the resource principal session token and its private key. */
  readonly rpstFile: string;
  readonly privateKeyFile: string;
  /** The token's expiry (emulator clock); `refresh()` rewrites the token file with a new one. */
  readonly expiresAt: Date;
  /** Issue a new session token for the same key and replace the token file atomically. */
  refresh(): Promise<Date>;
}

export interface MountedAuthEndpoints {
  readonly imds: MountedImds;
  readonly federation: MountedFederation;
  readonly resourcePrincipals: MountedResourcePrincipals;
  /**
   * Writes the resource principal token (`rpst`) and its key (`rp_private_key.pem`) into `dir`
   * (mode 0600) and returns the variables that point at them and at the endpoints. With HTTPS,
   * trust the emulator's CA too (NODE_EXTRA_CA_CERTS, or `caBundle` in code).
   */
  writeEnvironment(dir: string): Promise<AuthEnvironment>;
}

/** Mounts IMDS, federation and resource principals on `emulator` (what `startEmulator({ authEndpoints: true })` does). */
export async function mountAuthEndpoints(emulator: Emulator): Promise<MountedAuthEndpoints> {
  const { imds, federation } = await mountInstancePrincipals(emulator, {
    region: EMULATOR_CONFIG_REGION,
    canonicalRegionName: EMULATOR_CONFIG_REGION,
  });
  const resourcePrincipals = mountResourcePrincipals(emulator);

  return {
    imds,
    federation,
    resourcePrincipals,
    async writeEnvironment(dir) {
      const directory = resolve(dir);
      await mkdir(directory, { recursive: true });
      const rpstFile = join(directory, "rpst");
      const privateKeyFile = join(directory, "rp_private_key.pem");
      const privateKey: KeyObject = (await generateKeyPairAsync("rsa", { modulusLength: 2048 })).privateKey;
      const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      await writeFile(privateKeyFile, pem, { mode: 0o600 });
      const writeToken = async (): Promise<Date> => {
        const { token, expiresAt } = await resourcePrincipals.issueSessionToken({ privateKey });
        // Replaced whole (write, then rename), so a reader never sees half a token.
        const partial = `${rpstFile}.${process.pid}.tmp`;
        await writeFile(partial, token, { mode: 0o600 });
        await rename(partial, rpstFile);
        return expiresAt;
      };
      let expiresAt = await writeToken();
      const variables: Record<string, string> = {
        OCI_METADATA_BASE_URL: imds.baseUrl,
        OCI_RAW_FEDERATION_ENDPOINT: federation.url,
        OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
        OCI_RESOURCE_PRINCIPAL_RPST: rpstFile,
        OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: privateKeyFile,
        OCI_RESOURCE_PRINCIPAL_REGION: EMULATOR_CONFIG_REGION,
      };
      return {
        variables,
        rpstFile,
        privateKeyFile,
        get expiresAt() {
          return expiresAt;
        },
        async refresh() {
          expiresAt = await writeToken();
          return expiresAt;
        },
      };
    },
  };
}
