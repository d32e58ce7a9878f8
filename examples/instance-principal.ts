import { instancePrincipalsSigner, retryStrategy, signedFetch } from "oci-raw";

// Python: InstancePrincipalsSecurityTokenSigner(retry_strategy=...). The strategy covers the
// signer's own requests to instance metadata and the Auth service.
const signer = await instancePrincipalsSigner({ retry: retryStrategy({ maxAttempts: 4 }) });
const response = await signedFetch(
  `https://identity.us-ashburn-1.oraclecloud.com/20160918/users/?compartmentId=${signer.tenancyId}`,
  { signer },
);
console.log(signer.region, response.status, await response.json());
