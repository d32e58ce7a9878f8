/**
 * Figure 5 — bundle size. A program making one typed call (GetSecretBundle, generated from
 * Oracle's secret-retrieval spec, with an API-key signer) bundled with esbuild
 * (--bundle --platform=node --minify) ÷ the same call through oci-secrets + oci-common bundled
 * the same way. Both bundles are run against the emulator (which verifies their signatures).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { startEmulator } from "oci-raw/emulator";
import { packageUnderTest } from "../lib/build.js";
import { jsonStdout, runChild } from "../lib/child.js";
import { ensureGenerated } from "../lib/generated.js";
import { ROOT, WORK, missingSpecMessage, oracleSpec } from "../lib/paths.js";
import { fmt, row, skipped, type FigureOptions, type FigureOutcome } from "../lib/results.js";

const SECRET_ID = "ocid1.vaultsecret.oc1.iad.amaaaaaabenchmarksecret";
const SECRET_TEXT = "correct horse battery staple";

const PROGRAMS = {
  ociRaw: {
    file: "oci-raw-entry.ts",
    source: `import { readFileSync } from "node:fs";
import { ApiKeySigner, createClient } from "oci-raw";
import { getSecretBundle } from "./secretretrieval/index.js";

async function main(): Promise<void> {
  const [endpoint, keyFile, tenancy, user, fingerprint, secretId] = process.argv.slice(2) as [string, string, string, string, string, string];
  const signer = new ApiKeySigner({ tenancy, user, fingerprint, privateKeyContent: readFileSync(keyFile, "utf8") });
  const client = createClient({ signer, endpoint });
  const { data } = await getSecretBundle(client, { secretId });
  process.stdout.write(JSON.stringify({ secretId: data.secretId, content: (data.secretBundleContent as { content?: string } | undefined)?.content }));
}
main().catch((error) => { console.error(error); process.exitCode = 1; });
`,
  },
  ociSecrets: {
    file: "oci-secrets-entry.mjs",
    source: `import { readFileSync } from "node:fs";
import common from "oci-common";
import { SecretsClient } from "oci-secrets";

async function main() {
  const [endpoint, keyFile, tenancy, user, fingerprint, secretId] = process.argv.slice(2);
  const provider = new common.SimpleAuthenticationDetailsProvider(tenancy, user, fingerprint, readFileSync(keyFile, "utf8"), null);
  const client = new SecretsClient({ authenticationDetailsProvider: provider });
  client.endpoint = endpoint;
  const { secretBundle } = await client.getSecretBundle({ secretId });
  process.stdout.write(JSON.stringify({ secretId: secretBundle.secretId, content: secretBundle.secretBundleContent?.content }));
}
main().catch((error) => { console.error(error); process.exitCode = 1; });
`,
  },
} as const;

/** The largest inputs of a bundle, by bytes in the output. */
function largestInputs(meta: Metafile, top = 4): string {
  const output = Object.values(meta.outputs)[0];
  if (!output) return "";
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const name = match ? match[1]! : path.startsWith("dist/") || path.includes("/dist/") ? "oci-raw (dist)" : path.includes(".work/") ? "generated" : path;
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, bytes]) => `${name} ${fmt(bytes / 1024, 1)} KiB`)
    .join(", ");
}

export async function bundleSizeFigure({ smoke, log }: FigureOptions): Promise<FigureOutcome> {
  const spec = oracleSpec("secretretrieval.swagger.yaml");
  if (!spec) return skipped(missingSpecMessage("secretretrieval.swagger.yaml"));
  const built = packageUnderTest(smoke, log);
  const dir = join(WORK, "bundle");
  mkdirSync(dir, { recursive: true });
  await ensureGenerated(spec, "secretretrieval", "bundle", log);

  const sizes: Record<keyof typeof PROGRAMS, { bytes: number; gzip: number; file: string; meta: Metafile }> = {} as never;
  for (const [name, program] of Object.entries(PROGRAMS) as Array<[keyof typeof PROGRAMS, (typeof PROGRAMS)[keyof typeof PROGRAMS]]>) {
    const entry = join(dir, program.file);
    writeFileSync(entry, program.source);
    const outfile = join(dir, `${name}.bundle.cjs`);
    // What `esbuild --bundle --platform=node --minify` does; "oci-raw" resolves to dist/ as for a user
    // (to the sources in the smoke run).
    const result = await build({ entryPoints: [entry], bundle: true, platform: "node", minify: true, outfile, metafile: true, logLevel: "silent", absWorkingDir: ROOT, ...(built.conditions.length ? { conditions: built.conditions } : {}) });
    writeFileSync(join(dir, `${name}.meta.json`), JSON.stringify(result.metafile));
    const bytes = readFileSync(outfile);
    sizes[name] = { bytes: bytes.byteLength, gzip: gzipSync(bytes).byteLength, file: outfile, meta: result.metafile };
    log(`  ${name}: ${fmt(bytes.byteLength / 1024, 1)} KiB minified`);
  }

  // Both bundles must work: run each against the emulator, which verifies the signature.
  const emulator = await startEmulator();
  try {
    const bundle = {
      secretId: SECRET_ID,
      versionNumber: 1,
      stages: ["CURRENT", "LATEST"],
      timeCreated: "2024-05-01T12:34:56.789Z",
      secretBundleContent: { contentType: "BASE64", content: Buffer.from(SECRET_TEXT).toString("base64") },
    };
    emulator.route("GET", "/20190301/secretbundles/{secretId}", (request) =>
      request.params["secretId"] === SECRET_ID
        ? { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(bundle) }
        : { status: 404, headers: { "content-type": "application/json" }, body: JSON.stringify({ code: "NotAuthorizedOrNotFound", message: "no such secret" }) },
    );
    const key = await emulator.createApiKey();
    const keyFile = join(dir, "key.pem");
    writeFileSync(keyFile, key.privateKeyPem, { mode: 0o600 });
    for (const name of Object.keys(PROGRAMS) as Array<keyof typeof PROGRAMS>) {
      const answer = await runChild({
        script: sizes[name].file,
        args: [emulator.url, keyFile, key.tenancy, key.user, key.fingerprint, SECRET_ID],
        read: jsonStdout<{ secretId?: string; content?: string }>,
      });
      if (answer.secretId !== SECRET_ID || answer.content !== bundle.secretBundleContent.content) {
        throw new Error(`${relative(ROOT, sizes[name].file)} ran but returned ${JSON.stringify(answer)}`);
      }
    }
  } finally {
    await emulator.stop();
  }

  const raw = sizes.ociRaw, secrets = sizes.ociSecrets;
  const notes = [
    `Bundle contents, oci-raw: ${largestInputs(raw.meta)}; oci-secrets: ${largestInputs(secrets.meta)}. Both bundles ran GetSecretBundle against the emulator.`,
  ];
  if (built.stale) notes.push(built.stale);
  return {
    rows: [
      row("one GetSecretBundle call, minified: oci-raw ÷ oci-secrets + oci-common", [raw.bytes / secrets.bytes], "×",
        `${fmt(raw.bytes / 1024, 1)} KiB vs ${fmt(secrets.bytes / 1024, 1)} KiB`, { op: "<=", value: 0.1 }),
      row("the same, gzipped", [raw.gzip / secrets.gzip], "×", `${fmt(raw.gzip / 1024, 1)} KiB vs ${fmt(secrets.gzip / 1024, 1)} KiB`),
    ],
    notes,
  };
}
