/**
 * Instance principals end to end against the emulator's IMDS and federation endpoint: the
 * token request's exact form, v1 fallback, overrides, certificate rotation, expiry under
 * load, the 401 → refresh → retry path, and faults. Loopback only.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { AuthError, OciRawError } from "../runtime/errors.js";
import { signedFetch } from "../runtime/request.js";
import { noRetry } from "../runtime/retry.js";
import { Agent, fetch as undiciFetch } from "undici";
import {
  InstancePrincipalsSigner,
  instancePrincipalsSigner,
  PemStringCertificateRetriever,
  SessionKeySupplier,
  UrlBasedCertificateRetriever,
  X509FederationClient,
  X509FederationClientSigner,
  decodeJwtPayload,
} from "../runtime/auth/index.js";
import { getMetadataFromFirst, hasIpv4Route, metadataBaseUrls } from "../runtime/auth/imds.js";
import { startEmulator, type Emulator } from "../emulator/index.js";
import { mountInstancePrincipals, type MountedImds } from "../emulator/imds.js";
import type { MountedFederation } from "../emulator/federation.js";
import { watchProcess } from "./support/hygiene.js";

const hygiene = watchProcess();

let emulator: Emulator;
let imds: MountedImds;
let federation: MountedFederation;

before(async () => {
  emulator = await startEmulator();
  ({ imds, federation } = await mountInstancePrincipals(emulator));
});

after(async () => {
  await emulator.stop();
  await hygiene.assertClean();
});

function create(extra: Parameters<typeof instancePrincipalsSigner>[0] = {}): Promise<InstancePrincipalsSigner> {
  return instancePrincipalsSigner({ metadataBaseUrl: imds.baseUrl, federationEndpoint: federation.url, env: {}, ...extra });
}

async function getNamespace(
  signer: InstancePrincipalsSigner | X509FederationClientSigner,
  transport: { fetch?: typeof fetch; dispatcher?: unknown } = {},
): Promise<Response> {
  return signedFetch(`${emulator.url}/n/`, { signer, ...transport });
}

describe("instance principals", () => {
  test("signs API requests with the federated token; the token request is the Python SDK's form exactly", async () => {
    const before = federation.tokenRequests;
    const signer = await create();
    assert.equal(federation.tokenRequests, before + 1);
    assert.equal(signer.region, "us-ashburn-1", "short code iad → canonical name");
    assert.equal(signer.tenancyId, imds.tenancyId);

    const response = await getNamespace(signer);
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(await response.json(), "emulatorns");

    // Body: exactly certificate, publicKey, intermediateCertificates; base64 DER, no PEM armour; no purpose.
    const body = federation.lastBody!;
    assert.deepEqual(Object.keys(body).sort(), ["certificate", "intermediateCertificates", "publicKey"]);
    const leaf = new X509Certificate(imds.leaf.certificatePem);
    assert.equal(new X509Certificate(Buffer.from(body["certificate"] as string, "base64")).fingerprint, leaf.fingerprint);
    const intermediate = new X509Certificate(imds.intermediate.certificatePem);
    assert.deepEqual(
      (body["intermediateCertificates"] as string[]).map((b) => new X509Certificate(Buffer.from(b, "base64")).fingerprint),
      [intermediate.fingerprint],
    );
    assert.doesNotMatch(body["publicKey"] as string, /-----|\n/);

    // keyId <tenancy>/fed-x509/<SHA-1 upper-case hex with colons>; no host signed.
    const auth = federation.lastAuthorization!;
    assert.equal(auth.keyId, `${imds.tenancyId}/fed-x509/${leaf.fingerprint}`);
    assert.match(leaf.fingerprint, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    assert.deepEqual(auth.headers, ["date", "(request-target)", "content-length", "content-type", "x-content-sha256"]);

    // The API request was signed with the token just issued.
    const token = federation.issued.at(-1)!.token;
    assert.equal(await signer.federationClient.securityToken(), token);
    const last = emulator.requests.at(-1)!;
    assert.equal(last.verification?.ok, true);
    assert.equal(last.verification?.ok && last.verification.keyId, `ST$${token}`);
  });

  test("IMDS v2 answering 404 falls back to v1 (no Authorization header)", async () => {
    imds.v2Enabled = false;
    const v1Before = imds.hits.v1;
    try {
      const signer = await create();
      assert.match(signer.metadata.baseUrl, /\/opc\/v1$/);
      assert.deepEqual(signer.metadata.headers, {});
      assert.ok(imds.hits.v1 - v1Before >= 4, "region, cert, key and intermediate came from v1");
      assert.equal((await getNamespace(signer)).status, 200);
    } finally {
      imds.v2Enabled = true;
    }
  });

  test("OCI_METADATA_BASE_URL and OCI_RAW_FEDERATION_ENDPOINT override the defaults; options beat them", async () => {
    const signer = await instancePrincipalsSigner({
      env: { OCI_METADATA_BASE_URL: imds.baseUrl, OCI_RAW_FEDERATION_ENDPOINT: federation.url },
    });
    assert.equal(signer.federationClient.federationEndpoint, federation.url);
    assert.equal(signer.metadata.baseUrl, imds.baseUrl);
    await assert.rejects(
      instancePrincipalsSigner({
        env: { OCI_METADATA_BASE_URL: imds.baseUrl, OCI_RAW_FEDERATION_ENDPOINT: federation.url },
        federationEndpoint: `${emulator.url}/nowhere/v1/x509`,
        retry: noRetry,
      }),
      (err: unknown) => err instanceof AuthError && err.message.includes(`${emulator.url}/nowhere/v1/x509`),
    );
  });

  test("without an override, the federation endpoint comes from the region", async () => {
    // A loopback-only test cannot call auth.us-ashburn-1.oraclecloud.com; record the URL instead.
    const seen: string[] = [];
    const recordingFetch = async (input: string | URL, init?: RequestInit): Promise<Response> => {
      const url = String(input);
      if (!url.startsWith(emulator.url)) {
        seen.push(url);
        return new Response(JSON.stringify({ code: "Stop", message: "recorded" }), { status: 400 });
      }
      return fetch(input, init);
    };
    await assert.rejects(create({ federationEndpoint: undefined, fetch: recordingFetch, retry: noRetry }), AuthError);
    assert.deepEqual(seen, ["https://auth.us-ashburn-1.oraclecloud.com/v1/x509"]);
  });

  test("the leaf certificate is refetched on refresh, so a rotation is picked up", async () => {
    const signer = await create();
    const oldLeaf = new X509Certificate(imds.leaf.certificatePem).fingerprint;
    assert.equal(federation.issued.at(-1)!.leafFingerprint, oldLeaf);
    const rotated = new X509Certificate((await imds.rotateLeaf()).certificatePem).fingerprint;
    assert.notEqual(rotated, oldLeaf);
    const oldToken = await signer.federationClient.securityToken();
    await signer.refresh();
    assert.equal(federation.issued.at(-1)!.leafFingerprint, rotated);
    assert.equal(federation.lastAuthorization!.keyId, `${imds.tenancyId}/fed-x509/${rotated}`);
    assert.notEqual(await signer.federationClient.securityToken(), oldToken);
    assert.equal((await getNamespace(signer)).status, 200);
  });

  test("each token comes with a new session key, and signatures pair them correctly", async () => {
    const signer = await create({ sessionKeySize: 2048 });
    const first = await signer.federationClient.credentials();
    await signer.refresh();
    const second = await signer.federationClient.credentials();
    assert.notEqual(first.keyId, second.keyId);
    const pem = (k: typeof first) => k.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    assert.notEqual(pem(first), pem(second));
    // The supplier's current pair is the one the current token was issued for.
    const current = await signer.federationClient.sessionKeySupplier.keyPair();
    assert.equal(current.privateKey, second.privateKey);
    assert.equal((await getNamespace(signer)).status, 200);
  });

  test("1 000 concurrent requests across a token expiry: all succeed, federation sees exactly one token request", async () => {
    // The signer's clock is the test's: it jumps to where callers must wait for the refresh
    // (less than half the window left) while the token is still good by the emulator's clock,
    // so the refresh happens under load without waiting for a real expiry.
    let offset = 0;
    const signer = await create({ refreshWindowMs: 60_000, now: () => Date.now() + offset });
    const { expiresAt } = await signer.federationClient.credentials();
    offset = expiresAt - 60_000 / 4 - Date.now();
    const before = federation.tokenRequests;
    // A bounded connection pool (undici's own fetch with its Agent, DECISIONS.md 1): 1 000
    // simultaneous connections would overflow the listen backlog on a small machine.
    const dispatcher = new Agent({ connections: 32 });
    const transport = { fetch: undiciFetch as unknown as typeof fetch, dispatcher };
    const responses = await Promise.all(Array.from({ length: 1000 }, () => getNamespace(signer, transport))).finally(() => {});
    const statuses = new Map<number, number>();
    for (const r of responses) {
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      await r.arrayBuffer();
    }
    await dispatcher.close();
    assert.deepEqual([...statuses], [[200, 1000]]);
    assert.equal(federation.tokenRequests - before, 1);
  });

  test("a 401 with a valid-looking token refreshes once and retries; a second 401 is final", async () => {
    const signer = await create();
    assert.equal((await getNamespace(signer)).status, 200);

    federation.revokeAll();
    let before = federation.tokenRequests;
    const recovered = await getNamespace(signer);
    assert.equal(recovered.status, 200);
    assert.equal(federation.tokenRequests - before, 1, "one refresh");

    federation.revokeAll();
    federation.issueRevoked = true;
    try {
      before = federation.tokenRequests;
      const final = await getNamespace(signer);
      assert.equal(final.status, 401);
      await final.arrayBuffer();
      assert.equal(federation.tokenRequests - before, 1, "refreshed once, then gave up");
    } finally {
      federation.issueRevoked = false;
    }
  });

  test("401s that arrive after the refresh they would have asked for cost no further token request", async () => {
    const signer = await create();
    assert.equal((await getNamespace(signer)).status, 200);
    const revoked = (await signer.federationClient.credentials()).keyId;
    federation.revokeAll();
    const before = federation.tokenRequests;
    // 50 requests signed with the revoked token; the first goes out at once, the other 49 only
    // once its 401 has brought a new token: they come back 401 after that refresh is over.
    let first = true;
    const refreshed = async (): Promise<void> => {
      while ((await signer.federationClient.credentials()).keyId === revoked) await delay(5);
    };
    const held: typeof fetch = async (url, init) => {
      const oldToken = new Headers(init?.headers).get("authorization")?.includes(`keyId="${revoked}"`) === true;
      if (oldToken && !first) await refreshed();
      first = false;
      return fetch(url, init);
    };
    const responses = await Promise.all(Array.from({ length: 50 }, () => getNamespace(signer, { fetch: held })));
    for (const r of responses) await r.arrayBuffer();
    assert.deepEqual([...new Set(responses.map((r) => r.status))], [200]);
    assert.equal(federation.tokenRequests - before, 1);
  });

  test("federation 5xx: retried by default; with noRetry an AuthError naming endpoint and status, never a token", async () => {
    federation.failNext(1, 503);
    const before = federation.tokenRequests;
    const signer = await create();
    assert.equal(federation.tokenRequests - before, 2);
    assert.equal((await getNamespace(signer)).status, 200);

    federation.failNext(1, 500);
    await assert.rejects(create({ retry: noRetry }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.match(err.message, /federation endpoint/);
      assert.ok(err.message.includes(federation.url));
      assert.match(err.message, /HTTP 500/);
      for (const t of federation.issued) assert.ok(!err.message.includes(t.token));
      return true;
    });
  });

  test("federation answering garbage: a clear AuthError", async () => {
    federation.garbageNext(1);
    await assert.rejects(create({ retry: noRetry }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, "AUTH_BAD_RESPONSE");
      assert.match(err.message, /not JSON/);
      return true;
    });
  });

  test("a failed refresh leaves nothing behind: the next call tries again", async () => {
    const signer = await create();
    federation.failNext(3, 500); // the default strategy makes 3 attempts
    await assert.rejects(signer.federationClient.refresh(), AuthError);
    const before = federation.tokenRequests;
    await signer.refresh();
    assert.equal(federation.tokenRequests - before, 1);
    assert.equal((await getNamespace(signer)).status, 200);
  });

  test("IMDS down (connection refused): AuthError naming the URL", async () => {
    const port = await closedPort();
    await assert.rejects(
      create({ metadataBaseUrl: `http://127.0.0.1:${port}/opc/v2`, retry: noRetry }),
      (err: unknown) => {
        assert.ok(err instanceof AuthError);
        assert.equal(err.code, "AUTH_ENDPOINT_UNREACHABLE");
        assert.ok(err.message.includes(`127.0.0.1:${port}/opc/v2/instance/region`));
        // The transport's failure is kept, down to the refused connection.
        assert.ok(err.cause instanceof OciRawError && err.cause.code === "NETWORK_ERROR");
        assert.match(String((err.cause.cause as Error).cause), /ECONNREFUSED/);
        return true;
      },
    );
  });

  test("IMDS addresses: the override alone; else IPv4 with a route to it, else IPv6 first (the route is never looked up here)", async () => {
    const never = async (): Promise<boolean> => assert.fail("an override must not look up a route");
    assert.deepEqual(await metadataBaseUrls("http://127.0.0.1:1/opc/v2/", {}, never), ["http://127.0.0.1:1/opc/v2"]);
    assert.deepEqual(await metadataBaseUrls(undefined, { OCI_METADATA_BASE_URL: "http://127.0.0.1:2/opc/v2" }, never), ["http://127.0.0.1:2/opc/v2"]);
    const blank = { OCI_METADATA_BASE_URL: "  " };
    assert.deepEqual(await metadataBaseUrls(undefined, blank, async () => true), ["http://169.254.169.254/opc/v2"]);
    assert.deepEqual(await metadataBaseUrls(undefined, blank, async () => false), ["http://[fd00:c1::a9fe:a9fe]/opc/v2", "http://169.254.169.254/opc/v2"]);
  });

  test("the route check: a UDP connect that sends nothing (checked on loopback only)", async () => {
    assert.equal(await hasIpv4Route("127.0.0.1"), true);
  });

  test("metadata from the first base that can be reached; an HTTP error is final", async () => {
    const closed = `http://127.0.0.1:${await closedPort()}/opc/v2`;
    const { text, endpoint } = await getMetadataFromFirst([closed, imds.baseUrl], "instance/region", { retry: noRetry });
    assert.equal(endpoint.baseUrl, imds.baseUrl);
    assert.ok(text.trim().length > 0);
    emulator.faults.failNext(1, 500, "InternalServerError");
    try {
      await assert.rejects(
        getMetadataFromFirst([imds.baseUrl, closed], "instance/region", { retry: noRetry }),
        (err: unknown) => err instanceof AuthError && err.code === "AUTH_ENDPOINT_ERROR",
      );
    } finally {
      emulator.faults.clear();
    }
  });

  test("IMDS slow: the per-request timeout turns into an AuthError", async () => {
    emulator.faults.delayNext(1, 3000);
    try {
      await assert.rejects(create({ timeoutMs: 200, retry: noRetry }), (err: unknown) => err instanceof AuthError && /no answer within 200 ms/.test(err.message));
    } finally {
      emulator.faults.clear();
    }
  });

  test("an auth answer whose body breaks off is retried like a reset; without retries it is AUTH_ENDPOINT_UNREACHABLE", async () => {
    emulator.faults.breakBodyNext(1);
    try {
      const signer = await create();
      assert.ok(signer.tenancyId);
    } finally {
      emulator.faults.clear();
    }
    emulator.faults.breakBodyNext(1);
    try {
      await assert.rejects(create({ retry: noRetry }), (err: unknown) => err instanceof AuthError && err.code === "AUTH_ENDPOINT_UNREACHABLE");
    } finally {
      emulator.faults.clear();
    }
  });

  test("IMDS v2 refuses requests without Authorization: Bearer Oracle", async () => {
    const retriever = new UrlBasedCertificateRetriever({ certificateUrl: `${imds.baseUrl}/identity/cert.pem`, headers: {}, retry: noRetry });
    await assert.rejects(retriever.refresh(), (err: unknown) => err instanceof AuthError && /HTTP 401/.test(err.message));
    const withDefault = new UrlBasedCertificateRetriever({ certificateUrl: `${imds.baseUrl}/identity/cert.pem` });
    assert.equal(withDefault.loaded, false);
    await withDefault.refresh();
    assert.equal(withDefault.certificate(), imds.leaf.certificatePem);
    assert.equal(withDefault.privateKey(), undefined);
  });

  test("X509FederationClient with PEM retrievers sends purpose only when given", async () => {
    const client = new X509FederationClient({
      federationEndpoint: federation.url,
      tenancyId: imds.tenancyId,
      sessionKeySupplier: new SessionKeySupplier(),
      leafCertificateRetriever: new PemStringCertificateRetriever({
        certificatePem: imds.leaf.certificatePem,
        privateKeyPem: imds.leaf.privateKeyPem,
      }),
      intermediateCertificateRetrievers: [new PemStringCertificateRetriever({ certificatePem: imds.intermediate.certificatePem })],
      purpose: "DEFAULT",
    });
    const token = await client.securityToken();
    assert.equal(federation.lastBody!["purpose"], "DEFAULT");
    assert.equal(typeof decodeJwtPayload(token)["exp"], "number");
    const signer = new X509FederationClientSigner(client);
    assert.equal((await getNamespace(signer)).status, 200);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
