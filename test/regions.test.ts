import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  federationEndpoint,
  fillEndpointTemplate,
  knownRegions,
  realmDomain,
  regionInfo,
  regionName,
  serviceEndpoint,
} from "../runtime/regions.js";
import { OciRawError } from "../runtime/errors.js";

const dir = mkdtempSync(join(tmpdir(), "oci-raw-regions-"));
after(() => rmSync(dir, { recursive: true, force: true }));
/** No regions-config.json, no OCI_REGION_METADATA: the built-in table only. */
const isolated = { env: {}, regionsConfigFile: join(dir, "absent.json") };

function unknownRegion(fn: () => unknown): OciRawError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof OciRawError);
    assert.equal(err.code, "UNKNOWN_REGION");
    return err;
  }
  assert.fail("expected UNKNOWN_REGION");
}

describe("regions (facts from the public OCI SDKs)", () => {
  test("short codes → names, any case", () => {
    assert.equal(regionName("phx", isolated), "us-phoenix-1");
    assert.equal(regionName("IAD", isolated), "us-ashburn-1");
    assert.equal(regionName("lhr", isolated), "uk-london-1");
    assert.equal(regionName("us-phoenix-1", isolated), "us-phoenix-1");
    assert.equal(regionName(" US-Ashburn-1 ", isolated), "us-ashburn-1");
  });

  test("realm domains across realms", () => {
    const cases: Array<[string, string, string]> = [
      ["us-phoenix-1", "oc1", "oraclecloud.com"],
      ["us-langley-1", "oc2", "oraclegovcloud.com"],
      ["us-gov-ashburn-1", "oc3", "oraclegovcloud.com"],
      ["uk-gov-london-1", "oc4", "oraclegovcloud.uk"],
      ["ap-chiyoda-1", "oc8", "oraclecloud8.com"],
      ["me-dcc-muscat-1", "oc9", "oraclecloud9.com"],
      ["ap-dcc-canberra-1", "oc10", "oraclecloud10.com"],
      ["eu-dcc-milan-1", "oc14", "oraclecloud14.com"],
      ["ap-dcc-gazipur-1", "oc15", "oraclecloud15.com"],
      ["eu-frankfurt-2", "oc19", "oraclecloud.eu"],
      ["eu-jovanovac-1", "oc20", "oraclecloud20.com"],
      ["me-dcc-doha-1", "oc21", "oraclecloud21.com"],
      ["us-somerset-1", "oc23", "oraclecloud23.com"],
      ["eu-crissier-1", "oc24", "oraclecloud24.com"],
      ["me-abudhabi-3", "oc26", "oraclecloud26.com"],
      ["me-abudhabi-2", "oc29", "oraclecloud29.com"],
      ["ap-seoul-2", "oc35", "oraclecloud35.com"],
    ];
    for (const [region, realm, domain] of cases) {
      assert.equal(regionInfo(region, isolated).realm, realm, region);
      assert.equal(realmDomain(region, isolated), domain, region);
    }
  });

  test("the table has unique names and codes", () => {
    const regions = knownRegions();
    assert.ok(regions.length > 80);
    assert.equal(new Set(regions.map((r) => r.name)).size, regions.length);
    assert.equal(new Set(regions.map((r) => r.code)).size, regions.length);
  });

  test("service endpoints, plain and .oci. form; templates; federation", () => {
    assert.equal(serviceEndpoint("identity", "phx", isolated), "https://identity.us-phoenix-1.oraclecloud.com");
    assert.equal(
      serviceEndpoint("identity", "us-phoenix-1", { ...isolated, oci: true }),
      "https://identity.us-phoenix-1.oci.oraclecloud.com",
    );
    assert.equal(serviceEndpoint("iaas", "uk-gov-london-1", isolated), "https://iaas.uk-gov-london-1.oraclegovcloud.uk");
    assert.equal(fillEndpointTemplate("https://iaas.{region}.{domain}", "fra", isolated), "https://iaas.eu-frankfurt-1.oraclecloud.com");
    assert.equal(
      fillEndpointTemplate("https://x.{region}.oci.{secondLevelDomain}", "eu-frankfurt-2", isolated),
      "https://x.eu-frankfurt-2.oci.oraclecloud.eu",
    );
    assert.equal(fillEndpointTemplate("https://kms.$region.example", "iad", isolated), "https://kms.us-ashburn-1.example");
    assert.equal(federationEndpoint("phx", isolated), "https://auth.us-phoenix-1.oraclecloud.com/v1/x509");
  });

  test("an unknown region: its name is usable, its realm is a clear error", () => {
    assert.equal(regionName("xx-nowhere-1", isolated), "xx-nowhere-1");
    assert.equal(fillEndpointTemplate("https://s.{region}.local", "xx-nowhere-1", isolated), "https://s.xx-nowhere-1.local");
    const err = unknownRegion(() => realmDomain("xx-nowhere-1", isolated));
    assert.match(err.message, /xx-nowhere-1/);
    assert.match(err.message, /absent\.json/);
    assert.match(err.message, /OCI_REGION_METADATA/);
    unknownRegion(() => regionName("zzq", isolated));
    unknownRegion(() => serviceEndpoint("iaas", "xx-nowhere-1", isolated));
  });

  test("new regions from regions-config.json", () => {
    const file = join(dir, "regions-config.json");
    writeFileSync(
      file,
      JSON.stringify([{ realmKey: "OC99", realmDomainComponent: "example-cloud.test", regionKey: "ZZA", regionIdentifier: "xx-test-1" }]),
    );
    const options = { env: {}, regionsConfigFile: file };
    assert.equal(regionName("zza", options), "xx-test-1");
    assert.equal(serviceEndpoint("iaas", "xx-test-1", options), "https://iaas.xx-test-1.example-cloud.test");
    assert.deepEqual(regionInfo("ZZA", options), { name: "xx-test-1", code: "zza", realm: "oc99", domain: "example-cloud.test" });
  });

  test("a new region from OCI_REGION_METADATA", () => {
    const env = {
      OCI_REGION_METADATA: JSON.stringify({ realmKey: "oc98", realmDomainComponent: "env-cloud.test", regionKey: "zzb", regionIdentifier: "xx-env-1" }),
    };
    const options = { env, regionsConfigFile: join(dir, "absent.json") };
    assert.equal(realmDomain("xx-env-1", options), "env-cloud.test");
    assert.equal(federationEndpoint("zzb", options), "https://auth.xx-env-1.env-cloud.test/v1/x509");
  });

  test("a region whose domain or name is not plain host labels is not used (it could move the signed request to another host)", () => {
    for (const [domain, name] of [["oraclecloud.com@evil.test", "xx-env-2"], ["evil.test/x", "xx-env-2"], ["env-cloud.test", "xx@evil.test"]] as const) {
      const env = { OCI_REGION_METADATA: JSON.stringify({ realmKey: "oc98", realmDomainComponent: domain, regionKey: "zzc", regionIdentifier: name }) };
      unknownRegion(() => serviceEndpoint("iaas", "zzc", { env, regionsConfigFile: join(dir, "absent.json") }));
    }
  });

  test("malformed regions-config.json and OCI_REGION_METADATA are named in the error", () => {
    const file = join(dir, "bad-regions.json");
    writeFileSync(file, "{not json");
    const err = unknownRegion(() => realmDomain("xx-none-1", { env: { OCI_REGION_METADATA: "[]" }, regionsConfigFile: file }));
    assert.match(err.message, /bad-regions\.json is not valid JSON/);
    assert.match(err.message, /OCI_REGION_METADATA is not a JSON object/);
  });
});
