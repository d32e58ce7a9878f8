import { readFileSync } from "node:fs";
import { loadConfig, signedFetch, signerFromConfig } from "oci-raw";
import { undiciTransport } from "oci-raw/undici";

const config = loadConfig();
// The CA of a TLS-inspecting proxy or a private endpoint. undiciTransport({ proxy }) takes a proxy URL.
const transport = undiciTransport({ ca: readFileSync("corporate-ca.pem", "utf8") });
try {
  const response = await signedFetch(
    `https://identity.us-ashburn-1.oraclecloud.com/20160918/users/?compartmentId=${config.tenancy}`,
    { signer: signerFromConfig(config), fetch: transport.fetch, dispatcher: transport.dispatcher },
  );
  console.log(response.status);
} finally {
  await transport.close();
}
