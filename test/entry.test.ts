/**
 * What the root entry loads (DECISIONS.md 2): nothing reachable from `oci-raw` imports undici,
 * zod, node-forge, the code generator or the emulator, and importing it (and creating a
 * client) starts no timer, opens no socket and reads no file. The token-based providers
 * (runtime/auth/) load on first call only. What it exports is the README's "Public API" list.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Every module reachable from `entry` through static and dynamic imports: [file, specifier]
 * pairs. `loadedAtImport`: only what importing `entry` loads (no `import()`, no `import type`).
 */
function importGraph(entry: string, { loadedAtImport = false } = {}): { files: string[]; bare: Map<string, string> } {
  const files: string[] = [];
  const bare = new Map<string, string>();
  const queue = [entry];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const file = queue.shift()!;
    files.push(relative(root, file));
    const source = readFileSync(file, "utf8");
    const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b([^;]*?)from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s*["']([^"']+)["']/g)]
      .filter((m) => !loadedAtImport || (m[3] === undefined && !/^\s*type\b/.test(m[1] ?? "")))
      .map((m) => m[2] ?? m[3] ?? m[4]!);
    for (const specifier of specifiers) {
      if (specifier.startsWith(".")) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, ".ts"));
        if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      } else bare.set(specifier, relative(root, file));
    }
  }
  return { files, bare };
}

test("the root entry reaches only node: built-ins and runtime/ modules", () => {
  const { files, bare } = importGraph(join(root, "runtime/index.ts"));
  assert.ok(files.length > 10, "the walk found the runtime's modules");
  for (const file of files) assert.match(file, /^runtime\//, `${file} is outside runtime/`);
  for (const [specifier, from] of bare) {
    assert.match(specifier, /^node:/, `${from} imports "${specifier}"; the root entry may only use node: built-ins`);
  }
});

test("importing oci-raw and creating a client leaves no handle, timer or loaded heavy package", () => {
  const script = `
    const before = new Set(process.getActiveResourcesInfo());
    const m = await import("oci-raw");
    const { privateKey } = (await import("node:crypto")).generateKeyPairSync("rsa", { modulusLength: 2048 });
    const signer = new m.SecurityTokenSigner("t", privateKey);
    m.createClient({ signer, region: "phx" });
    await new Promise((r) => setImmediate(r));
    const after = process.getActiveResourcesInfo().filter((r) => !before.has(r));
    const { createRequire } = await import("node:module");
    const cache = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ after, heavy: cache.filter((f) => /node_modules\\/(undici|zod|node-forge|ts-morph|typescript|yaml)\\//.test(f)) }));
  `;
  const out = execFileSync(process.execPath, ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
  });
  const { after, heavy } = JSON.parse(out.trim().split("\n").pop()!) as { after: string[]; heavy: string[] };
  assert.deepEqual(after, []);
  assert.deepEqual(heavy, []);
});

test("importing oci-raw loads none of runtime/auth/: the providers load it on first call", () => {
  const atImport = importGraph(join(root, "runtime/index.ts"), { loadedAtImport: true }).files;
  assert.ok(atImport.includes("runtime/request.ts") && atImport.includes("runtime/providers.ts"), "the walk follows static imports");
  assert.deepEqual(atImport.filter((file) => file.startsWith("runtime/auth/")), []);
  const all = importGraph(join(root, "runtime/index.ts")).files;
  assert.ok(all.includes("runtime/auth/instance-principals.ts"), "import() and import type are followed in the full walk");
});

/** The backticked names of a README passage. */
const namesIn = (text: string): string[] => [...text.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]!).sort();

test("oci-raw and oci-raw/auth export exactly the README's Public API lists, oci-raw at most 50 values", async () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Public API"), readme.indexOf("## Coming from the Python SDK"));
  const authAt = section.indexOf("`oci-raw/auth` exports");
  const endAt = section.indexOf("`oci-raw/undici`", authAt);
  assert.ok(authAt > 0 && endAt > authAt, "README has the Public API section with the oci-raw/auth list");
  const main = Object.keys(await import("oci-raw")).sort();
  const auth = Object.keys(await import("oci-raw/auth")).sort();
  assert.deepEqual(main, namesIn(section.slice(0, authAt)));
  assert.deepEqual(auth, namesIn(section.slice(section.indexOf(":", authAt), endAt)));
  assert.ok(main.length <= 50, `oci-raw exports ${main.length} values`);
});

test("the lazy providers are the auth modules' own functions, loaded on call", async () => {
  const entry = await import("oci-raw");
  const auth = await import("oci-raw/auth");
  // A missing variable is refused by the real provider behind the lazy one, with its own error.
  await assert.rejects(entry.resourcePrincipalsSigner({ env: {} }), (error: unknown) => error instanceof entry.ResourcePrincipalsNotConfiguredError);
  await assert.rejects(auth.resourcePrincipalsSigner({ env: {} }), (error: unknown) => error instanceof entry.ResourcePrincipalsNotConfiguredError);
  // Both entries reject (never throw) on a profile that cannot sign with a session token.
  const apiKeyProfile = { profile: "DEFAULT", values: {}, locations: {} } as unknown as Parameters<typeof entry.sessionTokenSignerFromConfig>[0];
  for (const made of [() => entry.sessionTokenSignerFromConfig(apiKeyProfile), () => auth.sessionTokenSignerFromConfig(apiKeyProfile)]) {
    let promise: Promise<unknown> | undefined;
    assert.doesNotThrow(() => {
      promise = made();
    });
    await assert.rejects(promise!, (error: unknown) => error instanceof entry.ConfigError);
  }
});

test("the web entry (workerd/worker/browser conditions) loads no node: module and no package", () => {
  // Type imports too: the web entry's declarations must not need @types/node either.
  const { files, bare } = importGraph(join(root, "runtime/web.ts"));
  assert.ok(files.includes("runtime/webcrypto.ts") && files.includes("runtime/request.ts") && files.includes("runtime/client.ts"));
  for (const file of files) assert.match(file, /^runtime\//, `${file} is outside runtime/`);
  assert.deepEqual([...bare.entries()], [], "the web entry imports only its own modules");
  for (const nodeOnly of ["runtime/signing.ts", "runtime/keys.ts", "runtime/regions.ts", "runtime/config.ts", "runtime/files.ts", "runtime/signers.ts"]) {
    assert.ok(!files.includes(nodeOnly), `${nodeOnly} (Node only) is reachable from the web entry`);
  }
  // And no dynamic import() that a bundler would follow into Node-only modules (a type's
  // `import("./x.js").T` is erased).
  for (const file of files) assert.doesNotMatch(readFileSync(join(root, file), "utf8"), /\bimport\(\s*["'][^"']+["']\s*\)(?!\.)/, `${file} has a dynamic import`);
});

test("oci-raw's root resolves to the web entry under the workerd, worker and browser conditions, and oci-raw/web always", async () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, Record<string, unknown>> };
  const dot = pkg.exports["."]!;
  // The web conditions first: a build that sets "worker" or "browser" wants the web entry even
  // where "node" is also set (Node's --conditions=worker; test/runtimes.test.ts runs it).
  assert.deepEqual(Object.keys(dot), ["source", "workerd", "worker", "browser", "deno", "bun", "node", "types", "default"]);
  for (const condition of ["workerd", "worker", "browser"]) {
    assert.deepEqual(dot[condition], { types: "./dist/runtime/web.d.ts", default: "./dist/runtime/web.js" });
    assert.equal((dot["source"] as Record<string, string>)[condition], "./runtime/web.ts");
  }
  for (const condition of ["deno", "bun", "node"]) assert.deepEqual(dot[condition], { types: "./dist/runtime/index.d.ts", default: "./dist/runtime/index.js" });
  const out = execFileSync(process.execPath, ["--conditions=source", "--conditions=worker", "--import", "tsx", "--input-type=module", "-e",
    `const m = await import("oci-raw"); console.log(typeof m.WebCryptoApiKeySigner, typeof m.loadConfig);`], { cwd: root, encoding: "utf8" });
  assert.equal(out.trim().split("\n").pop(), "function undefined");
});

test("the web entry exports exactly the README's web entry list", async () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Public API"), readme.indexOf("## Coming from the Python SDK"));
  const webAt = section.indexOf("The web entry");
  assert.ok(webAt > 0, "README's Public API section lists the web entry");
  const web = Object.keys(await import("oci-raw/web")).sort();
  assert.deepEqual(web, namesIn(section.slice(section.indexOf(":", webAt))));
});

test("errors are instances of their class from another copy of runtime/errors.ts (the package entry is bundled apart from oci-raw/auth, the CLI and the emulator), and of no other class", async () => {
  // A query string makes a second instance of the module, as a second bundle would be.
  const one = (await import("../runtime/errors.js")) as typeof import("../runtime/errors.js");
  const two = (await import(`../runtime/errors.js?copy=${Date.now()}`)) as typeof import("../runtime/errors.js");
  assert.notEqual(one.AuthError, two.AuthError, "two copies");
  const fromTwo = new two.ResourcePrincipalsNotConfiguredError(["OCI_RESOURCE_PRINCIPAL_VERSION"]);
  for (const errorClass of [one.OciRawError, one.AuthError, one.ResourcePrincipalsNotConfiguredError, two.OciRawError]) assert.ok(fromTwo instanceof errorClass, errorClass.name);
  for (const errorClass of [one.KeyError, one.ConfigError, one.OciServiceError, one.WaitError]) assert.ok(!(fromTwo instanceof errorClass), `not ${errorClass.name}`);
  assert.ok(!(new one.OciRawError("x") instanceof two.AuthError), "a base error is no subclass");
  for (const value of [undefined, null, 1, "AuthError", {}, new Error("x")]) assert.ok(!(value instanceof one.OciRawError), String(value));
  assert.equal(one.hasOciRawCode(new two.KeyError("x")), true);
  // A subclass of its own (GenerateError, the CLI's UsageError) keeps the usual instanceof.
  class Elsewhere extends two.OciRawError {}
  assert.ok(new Elsewhere("x") instanceof Elsewhere && new Elsewhere("x") instanceof one.OciRawError);
  assert.ok(!(new two.OciRawError("x") instanceof Elsewhere));
});
