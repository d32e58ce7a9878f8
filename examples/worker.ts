// A Cloudflare Worker calling OCI. wrangler's workerd/worker conditions resolve "oci-raw" to
// the web entry; "oci-raw/web" names it explicitly. The key's PEM is a Worker secret:
//   wrangler secret put OCI_PRIVATE_KEY < ~/.oci/oci_api_key.pem   (unencrypted)
import { WebCryptoApiKeySigner, signedFetch } from "oci-raw/web";

export interface Env {
  OCI_TENANCY: string;
  OCI_USER: string;
  OCI_FINGERPRINT: string;
  OCI_PRIVATE_KEY: string;
  OCI_ENDPOINT?: string;
}

export default {
  async fetch(_request: Request, env: Env): Promise<Response> {
    // One signer per request keeps the Worker stateless; the key import it costs (~1 ms) is
    // saved by keeping the signer in module scope, which imports the key once per isolate.
    const signer = new WebCryptoApiKeySigner({
      tenancy: env.OCI_TENANCY,
      user: env.OCI_USER,
      fingerprint: env.OCI_FINGERPRINT,
      privateKeyPem: env.OCI_PRIVATE_KEY,
    });
    const endpoint = env.OCI_ENDPOINT ?? "https://identity.us-ashburn-1.oraclecloud.com";
    const users = await signedFetch(`${endpoint}/20160918/users/?compartmentId=${env.OCI_TENANCY}`, { signer });
    return new Response(users.body, { status: users.status, headers: { "content-type": "application/json" } });
  },
};
