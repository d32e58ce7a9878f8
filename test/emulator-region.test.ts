/**
 * The emulator's config never leads to an Oracle host. Its region, EMULATOR_CONFIG_REGION, is
 * not an OCI region: no endpoint is built from it (typed EMULATOR_REGION error telling to pass
 * the emulator's URL), and credentials from the emulator's config, instance metadata or
 * resource principal environment sign only requests to loopback.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  createClient,
  loadConfig,
  OciRawError,
  serviceBaseUrl,
  serviceEndpoint,
  signedFetch,
  signerFromConfig,
  type RequestSigner,
} from "oci-raw";
import { instancePrincipalsSigner, resourcePrincipalsSigner, sessionTokenSignerFromConfig } from "oci-raw/auth";
import { EMULATOR_CONFIG_REGION, startEmulator, type StartedEmulator } from "oci-raw/emulator";
import { fillEndpointTemplate, federationEndpoint, regionInfo, regionName } from "../runtime/regions.js";
import { listUsers, service } from "../examples/oci/identity/index.js";

const dir = mkdtempSync(join(tmpdir(), "oci-raw-emulator-region-"));
let emulator: StartedEmulator;
let configFile: string;

before(async () => {
  emulator = await startEmulator({ authEndpoints: true });
  configFile = await emulator.writeConfigFile(join(dir, "emu"));
});
after(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

function emulatorRegionError(error: unknown): true {
  assert.ok(error instanceof OciRawError, String(error));
  assert.equal(error.code, "EMULATOR_REGION");
  assert.match(error.message, /emulator/);
  return true;
}

/** A fetch that records what it was asked to send, and sends it (to loopback only). */
function recordingFetch(): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      urls.push(url);
      assert.match(url, /^https?:\/\/(127\.0\.0\.1|\[::1\]|localhost)[:/]/, `would reach ${url}`);
      return fetch(input, init);
    },
  };
}

describe("the emulator's region builds no endpoint", () => {
  test("the config the emulator writes names EMULATOR_CONFIG_REGION, which is no OCI region", () => {
    assert.equal(EMULATOR_CONFIG_REGION, "oci-raw-emulator");
    assert.equal(loadConfig({ file: configFile, env: {} }).region, EMULATOR_CONFIG_REGION);
  });

  test("regionInfo, regionName, serviceEndpoint, templates and the federation endpoint throw EMULATOR_REGION, in any case", () => {
    const isolated = { env: {}, regionsConfigFile: join(dir, "absent.json") };
    for (const region of [EMULATOR_CONFIG_REGION, " OCI-RAW-EMULATOR "]) {
      assert.throws(() => regionInfo(region, isolated), (error) => {
        emulatorRegionError(error);
        assert.match((error as Error).message, /endpoint/);
        assert.doesNotMatch((error as Error).message, /oraclecloud/, "no Oracle host is suggested");
        return true;
      });
      assert.throws(() => regionName(region, isolated), emulatorRegionError);
      assert.throws(() => serviceEndpoint("identity", region, isolated), emulatorRegionError);
      assert.throws(() => fillEndpointTemplate("https://identity.{region}.{domain}", region, isolated), emulatorRegionError);
      assert.throws(() => fillEndpointTemplate("https://kms.{region}.example", region, isolated), emulatorRegionError);
      assert.throws(() => federationEndpoint(region, isolated), emulatorRegionError);
    }
    // Even a regions-config entry cannot turn it into an Oracle host.
    const metadata = JSON.stringify({ realmKey: "oc1", realmDomainComponent: "oraclecloud.com", regionKey: "EMU", regionIdentifier: EMULATOR_CONFIG_REGION });
    assert.throws(() => serviceEndpoint("identity", EMULATOR_CONFIG_REGION, { env: { OCI_REGION_METADATA: metadata } }), emulatorRegionError);
  });

  test("a client built from the emulator's config without an endpoint throws EMULATOR_REGION and sends nothing; with it, it reaches the emulator", async () => {
    const config = loadConfig({ file: configFile, env: {} });
    const recorder = recordingFetch();
    const byRegion = createClient({ signer: signerFromConfig(config), region: config.region, fetch: recorder.fetch });
    assert.throws(() => serviceBaseUrl(byRegion, { service, operationId: "ListUsers" }), emulatorRegionError);
    emulator.clearRequests();
    await assert.rejects(listUsers(byRegion, { compartmentId: config.tenancy ?? "" }), emulatorRegionError);
    assert.equal(recorder.urls.length, 0, "nothing was sent");
    assert.equal(emulator.requests.length, 0);

    const byEndpoint = createClient({ signer: signerFromConfig(config), region: config.region, endpoint: emulator.url, fetch: recorder.fetch });
    const listed = await listUsers(byEndpoint, { compartmentId: config.tenancy ?? "" });
    assert.equal(listed.status, 200);
    assert.equal(emulator.requests.at(-1)?.verification?.ok, true);
    assert.ok(recorder.urls.every((url) => url.startsWith(emulator.url)));
  });
});

describe("the emulator's credentials sign only for loopback", () => {
  const oracle = "https://identity.us-ashburn-1.oraclecloud.com/20160918/users/";

  async function refusesOracleSignsLoopback(signer: RequestSigner): Promise<void> {
    const recorder = recordingFetch();
    await assert.rejects(signedFetch(oracle, { signer, fetch: recorder.fetch }), (error) => {
      emulatorRegionError(error);
      assert.match((error as Error).message, /not to https:\/\/identity\.us-ashburn-1\.oraclecloud\.com\. Nothing was sent/);
      return true;
    });
    await assert.rejects(signer.sign({ method: "GET", url: "http://10.0.0.1/x" }), emulatorRegionError);
    assert.equal(recorder.urls.length, 0, "nothing was sent");
    const response = await signedFetch(`${emulator.url}/n/`, { signer, fetch: recorder.fetch });
    assert.equal(response.status, 200);
    for (const url of ["http://localhost:1/x", "http://[::1]:1/x", "http://127.0.0.2/x"]) await signer.sign({ method: "GET", url });
  }

  test("API key from the emulator's config", async () => {
    await refusesOracleSignsLoopback(signerFromConfig(loadConfig({ file: configFile, env: {} })));
  });

  test("instance principals from the emulator's instance metadata", async () => {
    const auth = emulator.auth!;
    const signer = await instancePrincipalsSigner({ metadataBaseUrl: auth.imds.baseUrl, federationEndpoint: auth.federation.url, env: {} });
    assert.equal(signer.region, EMULATOR_CONFIG_REGION);
    await refusesOracleSignsLoopback(signer);
  });

  test("resource principals 2.2 from the emulator's environment", async () => {
    const environment = await emulator.auth!.writeEnvironment(join(dir, "rp"));
    const signer = await resourcePrincipalsSigner({ env: { ...environment.variables } });
    await refusesOracleSignsLoopback(signer);
  });

  test("instance metadata naming the emulator's region needs OCI_RAW_FEDERATION_ENDPOINT: a typed error, not auth.<region>.oraclecloud.com", async () => {
    const recorder = recordingFetch();
    await assert.rejects(instancePrincipalsSigner({ metadataBaseUrl: emulator.auth!.imds.baseUrl, env: {}, fetch: recorder.fetch }), (error) => {
      assert.ok(error instanceof OciRawError);
      assert.equal(error.code, "IMDS_BAD_REGION");
      assert.match(error.message, /OCI_RAW_FEDERATION_ENDPOINT/);
      return true;
    });
    assert.ok(recorder.urls.every((url) => url.startsWith(emulator.url)));
  });

  test("a session-token profile naming the emulator's region", async () => {
    const session = await emulator.auth!.resourcePrincipals.issueSessionToken();
    const profileDir = join(dir, "session");
    mkdirSync(profileDir, { recursive: true });
    writeFileSync(join(profileDir, "token"), session.token, { mode: 0o600 });
    writeFileSync(join(profileDir, "key.pem"), session.privateKeyPem, { mode: 0o600 });
    const file = join(profileDir, "config");
    writeFileSync(
      file,
      `[DEFAULT]\ntenancy=${emulator.auth!.resourcePrincipals.tenancyId}\nregion=${EMULATOR_CONFIG_REGION}\nkey_file=${join(profileDir, "key.pem")}\nsecurity_token_file=${join(profileDir, "token")}\n`,
      { mode: 0o600 },
    );
    await refusesOracleSignsLoopback(await sessionTokenSignerFromConfig(loadConfig({ file, env: {} })));
  });

  test("any other region's credentials are not limited", async () => {
    const other = await emulator.writeConfigFile(join(dir, "other"), { region: "us-ashburn-1" });
    const signer = signerFromConfig(loadConfig({ file: other, env: {} }));
    const headers = await signer.sign({ method: "GET", url: oracle });
    assert.match(headers["authorization"] ?? "", /^Signature /);
  });
});
