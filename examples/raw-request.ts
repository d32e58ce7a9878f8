import { loadConfig, signedFetch, signerFromConfig } from "oci-raw";

const config = loadConfig(); // ~/.oci/config, profile DEFAULT
const signer = signerFromConfig(config);

const response = await signedFetch(
  `https://identity.us-ashburn-1.oraclecloud.com/20160918/users/?compartmentId=${config.tenancy}`,
  { signer },
);
console.log(response.status, await response.json());
