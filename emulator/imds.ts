/**
 * A fake instance metadata service (IMDS) on the emulator: v2 (`/opc/v2`, requires
 * `Authorization: Bearer Oracle`) and v1 (`/opc/v1`), serving a test-PKI chain
 * (CA → intermediate → leaf with `OU=opc-tenant:<tenancy>`), the region and the instance id.
 */
import { randomBytes } from "node:crypto";
import type { Emulator } from "./types.js";
import { createTestCa, issueCertificate, type CertificateAuthority, type IssuedCertificate } from "./pki.js";
import { ociError, type EmulatorRequest, type EmulatorResponse } from "./routes.js";
import { EMULATOR_TENANCY_ID } from "./keys.js";
import { mountFederation, type MountedFederation, type MountFederationOptions } from "./federation.js";

export interface MountImdsOptions {
  /** Tenancy named in the leaf certificate. Default EMULATOR_TENANCY_ID. */
  readonly tenancyId?: string;
  /** What `instance/region` answers: a short code or a name. Default "iad". */
  readonly region?: string;
  /** What `instance/canonicalRegionName` answers. Default "us-ashburn-1". */
  readonly canonicalRegionName?: string;
  /** Default: a random instance OCID. */
  readonly instanceId?: string;
}

export interface MountedImds {
  /** `<emulator>/opc/v2` — pass as `metadataBaseUrl`. */
  readonly baseUrl: string;
  readonly tenancyId: string;
  readonly instanceId: string;
  /** The root of the chain (what federation trusts). */
  readonly ca: CertificateAuthority;
  readonly intermediate: IssuedCertificate;
  /** The current leaf (changes on `rotateLeaf()`). */
  readonly leaf: IssuedCertificate;
  /** When false, every v2 request answers 404 (clients should fall back to v1). */
  v2Enabled: boolean;
  /** What `instance/region` answers (mutable). */
  region: string;
  /** Requests served, by version and path. */
  readonly hits: { v1: number; v2: number; paths: Record<string, number> };
  /** Issue a new leaf certificate and key (same tenancy), as OCI does several times a day. */
  rotateLeaf(): Promise<IssuedCertificate>;
}

/** Issue a leaf certificate like an instance's: subject OUs `opc-instance:…`, `opc-compartment:…`, `opc-tenant:…`. */
export async function issueInstanceLeaf(
  intermediate: CertificateAuthority,
  tenancyId: string,
  instanceId: string,
): Promise<IssuedCertificate> {
  return issueCertificate({
    ca: intermediate,
    subject: [
      { shortName: "CN", value: instanceId },
      { shortName: "OU", value: `opc-instance:${instanceId}` },
      { shortName: "OU", value: "opc-compartment:ocid1.compartment.oc1..aaaaaaaaimdscompartment" },
      { shortName: "OU", value: `opc-tenant:${tenancyId}` },
    ],
    validityDays: 1,
  });
}

export async function mountImds(emulator: Emulator, options: MountImdsOptions = {}): Promise<MountedImds> {
  const tenancyId = options.tenancyId ?? EMULATOR_TENANCY_ID;
  const instanceId = options.instanceId ?? `ocid1.instance.oc1.iad.aaaaaaaa${randomBytes(12).toString("hex")}`;
  const ca = await createTestCa({ commonName: "emulator IMDS root CA" });
  const intermediate = await issueCertificate({
    ca,
    subject: { commonName: "emulator IMDS intermediate CA", organization: "oci-raw tests" },
    isCa: true,
  });
  let leaf = await issueInstanceLeaf(intermediate, tenancyId, instanceId);
  const canonicalRegionName = options.canonicalRegionName ?? "us-ashburn-1";

  const mounted: MountedImds = {
    baseUrl: `${emulator.url}/opc/v2`,
    tenancyId,
    instanceId,
    ca,
    intermediate,
    get leaf() {
      return leaf;
    },
    v2Enabled: true,
    region: options.region ?? "iad",
    hits: { v1: 0, v2: 0, paths: {} },
    async rotateLeaf() {
      leaf = await issueInstanceLeaf(intermediate, tenancyId, instanceId);
      return leaf;
    },
  };

  const documents = (path: string): string | undefined => {
    switch (path) {
      case "identity/cert.pem":
        return leaf.certificatePem;
      case "identity/key.pem":
        return leaf.privateKeyPem;
      case "identity/intermediate.pem":
        return intermediate.certificatePem;
      case "instance/region":
        return mounted.region;
      case "instance/canonicalRegionName":
        return canonicalRegionName;
      case "instance/id":
        return instanceId;
      default:
        return undefined;
    }
  };

  const serve = (version: "v1" | "v2") => (request: EmulatorRequest): EmulatorResponse => {
    const path = request.params["path"] ?? "";
    if (version === "v2") {
      if (!mounted.v2Enabled) return ociError(404, "NotFound", "Not Found");
      if (request.headers.authorization !== "Bearer Oracle") {
        return ociError(401, "NotAuthenticated", "IMDS v2 requires the header Authorization: Bearer Oracle");
      }
    }
    mounted.hits[version] += 1;
    mounted.hits.paths[path] = (mounted.hits.paths[path] ?? 0) + 1;
    const document = documents(path);
    if (document === undefined) return ociError(404, "NotFound", `No metadata at ${path}`);
    return { status: 200, headers: { "content-type": "text/plain" }, body: document };
  };
  emulator.route("GET", "/opc/v2/{path+}", serve("v2"), { verify: false });
  emulator.route("GET", "/opc/v1/{path+}", serve("v1"), { verify: false });
  return mounted;
}

/** IMDS and federation together: everything instance principals need. */
export async function mountInstancePrincipals(
  emulator: Emulator,
  options: MountImdsOptions & Omit<MountFederationOptions, "caCertificatePem"> = {},
): Promise<{ imds: MountedImds; federation: MountedFederation }> {
  const imds = await mountImds(emulator, options);
  const federation = mountFederation(emulator, { ...options, caCertificatePem: imds.ca.certificatePem });
  return { imds, federation };
}
