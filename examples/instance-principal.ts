import { InstancePrincipalsSigner, signedFetch } from "oci-raw";

const signer = await InstancePrincipalsSigner.create();
const response = await signedFetch(
  `https://identity.us-ashburn-1.oraclecloud.com/20160918/users/?compartmentId=${signer.tenancyId}`,
  { signer },
);
console.log(signer.region, response.status, await response.json());
