import { createClient, loadConfig, OciServiceError, paginate, signerFromConfig } from "oci-raw";
import { createUser, getUser, listUsers } from "./oci/identity/index.js";

const config = loadConfig();
const client = createClient({
  signer: signerFromConfig(config),
  endpoint: "https://identity.us-ashburn-1.oraclecloud.com", // or: region: config.region
});
const compartmentId = config.tenancy ?? "";

const created = await createUser(client, {
  body: { compartmentId, name: "ada", description: "created by oci-raw" },
});
console.log(created.status, created.data.name, created.opcRequestId !== undefined);

// Every user, page after page (opc-next-page).
for await (const user of paginate(listUsers, client, { compartmentId, limit: 10 })) {
  console.log(user.name, user.lifecycleState);
}

try {
  await getUser(client, { userId: "ocid1.user.oc1..nosuchuser" });
} catch (error) {
  if (!(error instanceof OciServiceError)) throw error;
  console.log(error.status, error.code, error.opcRequestId !== undefined);
}
