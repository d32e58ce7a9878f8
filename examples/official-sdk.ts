// The emulator was started with: npx oci-raw emulator --port 9000 --config-dir ./emulator
// It printed its URL and the config file it wrote, whose key it accepts.
import { ConfigFileAuthenticationDetailsProvider } from "oci-common";
import { IdentityClient } from "oci-identity";
import { ObjectStorageClient } from "oci-objectstorage";

const url = process.env["EMULATOR_URL"] ?? "http://127.0.0.1:9000";
const configFile = process.env["EMULATOR_CONFIG"] ?? "./emulator/config";

const provider = new ConfigFileAuthenticationDetailsProvider(configFile, "DEFAULT");
const identity = new IdentityClient({ authenticationDetailsProvider: provider });
identity.endpoint = url; // every request goes to the emulator, none to OCI
const storage = new ObjectStorageClient({ authenticationDetailsProvider: provider });
storage.endpoint = url;

const compartmentId = provider.getTenantId();
const { user } = await identity.createUser({ createUserDetails: { compartmentId, name: "ada", description: "test" } });
const { items } = await identity.listUsers({ compartmentId });
console.log(user.lifecycleState, items.map((item) => item.name));

const { value: namespaceName } = await storage.getNamespace({});
await storage.createBucket({ namespaceName, createBucketDetails: { name: "reports", compartmentId } });
await storage.putObject({ namespaceName, bucketName: "reports", objectName: "hello.txt", putObjectBody: "hello" });
const { listObjects } = await storage.listObjects({ namespaceName, bucketName: "reports" });
console.log(listObjects.objects.map((object) => object.name));
