/**
 * Oracle's eleven published specs (../shared/oci-specs, read in place, never copied) all
 * generate, with one function per operation, and the output — schemas.check.ts included —
 * type-checks under this project's strict settings; each generated validator answers as its
 * zod schema does on sampled and mutated values. Every list-like operation is either paginated
 * in a style the runtime follows or not paginated with a reason, with the count per style
 * asserted; tsc proves `paginate`'s item types and its refusal of the others, and what it says.
 * Skipped when the specs are absent.
 * Takes about a minute on two cores: generation of all eleven plus two tsc runs over them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { after, describe, test } from "node:test";
import YAML from "yaml";
import { generateService, writeService } from "../codegen/generate.js";
import { REPO_ROOT } from "./support/repo.js";
import { isObject, loadSpec, type Json, type JsonObject } from "../codegen/load.js";
import { buildModel, deref, type OperationModel } from "../codegen/model.js";
import { ResponseValidationError, validateResponse, type ResponseSchema } from "oci-raw";
import { compareWithZod } from "./support/validator-agreement.js";

const SPECS = join(REPO_ROOT, "..", "shared", "oci-specs");
const present = existsSync(SPECS);
const files = present ? readdirSync(SPECS).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
// Inside the repository, so that `oci-raw` and `zod` resolve as they do for generated/.
const out = join(REPO_ROOT, ".tmp", `codegen-oracle-${process.pid}`);
after(() => rmSync(out, { recursive: true, force: true }));

/** The folders the generation tests wrote. */
const written: string[] = [];

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];

/** Each spec's operations as the generator's model has them, with the generated index.ts. */
const models = new Map<string, { operations: OperationModel[]; index: string; listLike: Map<string, ListLike> }>();

/**
 * Why an operation looks like a list, read from the (converted) spec independently of the
 * model's rules: its first 2xx JSON body is an array, or that response has `opc-next-page`, or it
 * takes `page`, or a `next…` string property of its body says in its description which of the
 * operation's query parameters takes it (ListObjects' `nextStartWith`: "… in the `start` parameter").
 */
interface ListLike {
  array: boolean;
  header: boolean;
  page: boolean;
  bodyToken: { property: string; param: string } | undefined;
}

function listLike(doc: JsonObject, path: string, method: string): ListLike | undefined {
  const item = deref(doc, (doc["paths"] as JsonObject)[path], "", "") as JsonObject;
  const operation = item[method] as JsonObject;
  const params = [...((item["parameters"] as Json[] | undefined) ?? []), ...((operation["parameters"] as Json[] | undefined) ?? [])]
    .map((p) => deref(doc, p, "", ""))
    .filter(isObject);
  const query = params.filter((p) => p["in"] === "query").map((p) => String(p["name"]));
  const responses = operation["responses"] as JsonObject;
  const status = Object.keys(responses).filter((code) => /^2\d\d$/.test(code)).sort()[0];
  const response = status === undefined ? undefined : deref(doc, responses[status], "", "");
  const headers = isObject(response) && isObject(response["headers"]) ? Object.keys(response["headers"]).map((h) => h.toLowerCase()) : [];
  const content = isObject(response) && isObject(response["content"]) ? response["content"]["application/json"] : undefined;
  const schema = isObject(content) ? deref(doc, content["schema"], "", "") : undefined;
  const properties = isObject(schema) && isObject(schema["properties"]) ? schema["properties"] : {};
  let bodyToken: ListLike["bodyToken"];
  for (const [property, value] of Object.entries(properties)) {
    const described = isObject(value) && typeof value["description"] === "string" ? value["description"] : "";
    const named = [...described.matchAll(/`([A-Za-z]+)` parameter/g)].map((m) => m[1]!).find((name) => query.includes(name));
    if (/^next[A-Z]/.test(property) && named) bodyToken = { property, param: named };
  }
  const found: ListLike = {
    array: isObject(schema) && schema["type"] === "array",
    header: headers.includes("opc-next-page"),
    page: query.includes("page"),
    bodyToken,
  };
  return found.array || found.header || found.page || found.bodyToken ? found : undefined;
}

/** The functions of a generated index.ts, by name: each one's doc comment, signature and body. */
function functionBlocks(index: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const match of index.matchAll(/^export async function (\w+)\(/gm)) {
    const start = index.lastIndexOf("/**", match.index);
    const end = index.indexOf("\n}\n", match.index);
    blocks.set(match[1]!, index.slice(start, end));
  }
  return blocks;
}

/** How the model says an operation pages, as one table row. */
function pagingRow(op: OperationModel): string {
  if (op.paging) {
    const { style, param, next, items } = op.paging;
    return `${style}: ${"header" in next ? next.header : `body .${next.body}`} → ${param.name}; items ${items === undefined ? "= the body (array)" : `in .${items}`}`;
  }
  return `not paginated: ${op.notPaginated ?? "(no reason)"}`;
}

/** Operations counted from the raw spec, independently of the generator's model. */
function countOperations(file: string): number {
  const doc = YAML.parse(readFileSync(file, "utf8"), { maxAliasCount: -1 }) as { paths: Record<string, Record<string, unknown>> };
  let count = 0;
  for (const item of Object.values(doc.paths)) for (const method of METHODS) if (item?.[method]) count++;
  return count;
}

describe("Oracle's specs", { skip: present ? false : `${SPECS} is absent` }, () => {
  for (const file of files) {
    test(`${file}: one function per operation`, async () => {
      const result = await generateService(join(SPECS, file), { outDir: out, cwd: REPO_ROOT, checks: true });
      writeService(result, REPO_ROOT);
      written.push(resolve(REPO_ROOT, result.dir));
      assert.ok(result.files.has("schemas.check.ts"), "the check file, for the tsc run below");
      const expected = countOperations(join(SPECS, file));
      assert.equal(result.operations, expected);
      const index = result.files.get("index.ts")!;
      assert.equal([...index.matchAll(/^export async function /gm)].length, expected);
      assert.ok(result.operations > 0);

      const { doc } = await loadSpec(join(SPECS, file));
      const found = new Map<string, ListLike>();
      for (const path of Object.keys(doc["paths"] as JsonObject)) {
        for (const method of METHODS) {
          const operation = (deref(doc, (doc["paths"] as JsonObject)[path], "", "") as JsonObject)[method];
          if (!isObject(operation)) continue;
          const like = listLike(doc, path, method);
          if (like) found.set(String(operation["operationId"]), like);
        }
      }
      models.set(file, { operations: buildModel(doc, file).operations, index, listLike: found });
    });
  }

  test("every list-like operation is paginated in a style paginate follows, or not paginated with a reason", (t) => {
    assert.equal(models.size, files.length);
    const table = new Map<string, number>();
    for (const [file, { operations, index, listLike: found }] of models) {
      const blocks = functionBlocks(index);
      for (const op of operations) {
        const where = `${file} ${op.operationId}`;
        const like = found.get(op.operationId);
        const block = blocks.get(op.functionName)!;
        assert.ok(block, `${where}: no generated function ${op.functionName}`);
        if (!like) {
          assert.equal(op.paging, undefined, `${where} is paginated but looks like no list`);
          assert.equal(op.notPaginated, undefined, where);
          assert.doesNotMatch(block, /paging: |Paged|Paginated|Not paginated/, where);
          continue;
        }
        const row = pagingRow(op);
        table.set(row, (table.get(row) ?? 0) + 1);
        if (!op.paging) {
          assert.ok(op.notPaginated, `${where}: list-like, neither paginated nor refused with a reason`);
          assert.ok(block.includes(`Not paginated: ${op.notPaginated}`), `${where}: the doc comment says why`);
          assert.doesNotMatch(block, /paging: |Paged/, where);
          continue;
        }
        // Paginated: the generated request describes it and the response type says so.
        const { param, next, items } = op.paging;
        assert.equal(param.in, "query", where);
        if ("header" in next) {
          assert.ok(like.header && like.page && param.name === "page", `${where}: header style needs opc-next-page and page`);
          assert.ok(items === undefined ? like.array : !like.array, where);
        } else {
          assert.deepEqual(like.bodyToken, { property: next.body, param: param.name }, `${where}: the body token's description names its parameter`);
        }
        const paged = items === undefined ? "Paged" : `Paged<${JSON.stringify(items)}>`;
        assert.ok(block.includes(`Promise<OciResponse<`) && block.includes(`, ${paged}>>`), `${where}: response type ${paged}`);
        assert.ok(block.includes(`paging: { param: ${JSON.stringify(param.key)}, next: `), `${where}: paging in the request`);
        assert.ok(block.includes("Paginated: iterate every item with `paginate("), where);
      }
    }
    const rows = [...table].sort((a, b) => b[1] - a[1]);
    t.diagnostic(`list-like operations of ${files.length} specs, by paging style:`);
    for (const [row, n] of rows) t.diagnostic(`${String(n).padStart(4)}  ${row}`);
    assert.deepEqual(Object.fromEntries(rows), {
      "header: opc-next-page → page; items = the body (array)": 205,
      "header: opc-next-page → page; items in .items": 44,
      "not paginated: its response has an `opc-next-page` header, but it has no (string) `page` query parameter to send it back": 15,
      "not paginated: its spec names no next-page token (no `opc-next-page` header, no `next…` body property)": 10,
      "header: opc-next-page → page; items in .entries": 1,
      "body: body .nextStartWith → start; items in .objects": 1,
    });
    // The cases that prompted the rules, by name (the rules never look at names).
    const row = (file: string, operationId: string) => pagingRow(models.get(file)!.operations.find((op) => op.operationId === operationId)!);
    assert.equal(row("objectstorage.swagger.yaml", "ListObjects"), "body: body .nextStartWith → start; items in .objects");
    assert.equal(row("objectstorage.swagger.yaml", "ListObjectVersions"), "header: opc-next-page → page; items in .items");
    assert.equal(row("monitoring.swagger.yaml", "GetAlarmHistory"), "header: opc-next-page → page; items in .entries");
    assert.equal(row("monitoring.swagger.yaml", "ListAlarmSuppressions"), "header: opc-next-page → page; items in .items");
    assert.equal(row("core-iaas.swagger.yaml", "GetAllDrgAttachments"), "header: opc-next-page → page; items = the body (array)"); // on a 202
    assert.match(row("core-iaas.swagger.yaml", "ListIpInventory"), /^not paginated: .*no \(string\) `page`/);
    assert.match(row("identity.swagger.yaml", "ListApiKeys"), /^not paginated: .*no \(string\) `page`/);
    assert.match(row("identity.swagger.yaml", "ListRegions"), /^not paginated: its spec names no next-page token/);
  });

  test("the generated code type-checks (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess)", () => {
    mkdirSync(out, { recursive: true });
    // paginate's item types follow each paging style; functions that are not paginated are refused.
    writeFileSync(
      join(out, "paginate-probe.ts"),
      `import { paginate, paginatePages, type Client } from "oci-raw";
import * as identity from "./identity/index.js";
import * as monitoring from "./monitoring/index.js";
import * as objectstorage from "./objectstorage/index.js";
import * as core from "./core-iaas/index.js";
import * as secrets from "./secretretrieval/index.js";

declare const client: Client;

// Polymorphic properties: the discriminator narrows to the subtype's fields.
export async function polymorphic(): Promise<void> {
  const { data: bundle } = await secrets.getSecretBundle(client, { secretId: "s" });
  const content = bundle.secretBundleContent;
  if (content?.contentType === "BASE64") content.content satisfies string | null | undefined;
  const { data: instance } = await core.getInstance(client, { instanceId: "i" });
  const source = instance.sourceDetails;
  if (source?.sourceType === "image") source.imageId satisfies string | null | undefined;
  if (source?.sourceType === "bootVolume") source.bootVolumeId satisfies string | null | undefined;
  // @ts-expect-error — imageId belongs to the image subtype, not to every source
  void source?.imageId;
  // A subtype newer than the spec is a value of the type (its discriminator is any other string).
  const newer: NonNullable<core.Instance["sourceDetails"]> = { sourceType: "snapshot" };
  void newer;
}

export async function probe(): Promise<void> {
  // Each item is its schema's type (a property read proves it is not \`never\`).
  for await (const object of paginate(objectstorage.listObjects, client, { namespaceName: "n", bucketName: "b" })) object.name satisfies string, object satisfies objectstorage.ObjectSummary;
  for await (const version of paginate(objectstorage.listObjectVersions, client, { namespaceName: "n", bucketName: "b" })) version.versionId satisfies string, version satisfies objectstorage.ObjectVersionSummary;
  for await (const user of paginate(identity.listUsers, client, { compartmentId: "c" })) user.name satisfies string, user satisfies identity.User;
  for await (const entry of paginate(monitoring.getAlarmHistory, client, { alarmId: "a" })) entry.summary satisfies string, entry satisfies monitoring.AlarmHistoryEntry;
  for await (const attachment of paginate(core.getAllDrgAttachments, client, { drgId: "d" })) attachment.id satisfies string, attachment satisfies core.DrgAttachmentInfo;
  for await (const page of paginatePages(objectstorage.listObjects, client, { namespaceName: "n", bucketName: "b" })) page.data.nextStartWith satisfies string | null | undefined;
  // @ts-expect-error ListRegions is not paginated
  paginate(identity.listRegions, client, {});
  // @ts-expect-error ListApiKeys has opc-next-page but no page parameter
  paginate(identity.listApiKeys, client, { userId: "u" });
  // @ts-expect-error GetUser is no list
  paginatePages(identity.getUser, client, { userId: "u" });
}
`,
    );
    const tsconfig = join(out, "tsconfig.json");
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: relative(out, join(REPO_ROOT, "tsconfig.json")),
        compilerOptions: { noEmit: true, types: ["node"] },
        include: ["./**/*.ts"],
        exclude: [],
      }),
    );
    const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    const run = spawnSync(process.execPath, [tsc, "-p", tsconfig], { encoding: "utf8", cwd: REPO_ROOT });
    assert.equal(run.status, 0, `tsc failed:\n${(run.stdout + run.stderr).slice(0, 4000)}`);
  });

  test("tsc says why paginate refuses a function that is not paginated", () => {
    const dir = join(out, "refused");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "refused.ts"),
      `import { paginate, type Client } from "oci-raw";
import { listRegions } from "../identity/index.js";
declare const client: Client;
export const regions = paginate(listRegions, client, {});
`,
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ extends: relative(dir, join(REPO_ROOT, "tsconfig.json")), compilerOptions: { noEmit: true, types: ["node"] }, include: ["refused.ts"], exclude: [] }),
    );
    const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    const run = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8", cwd: REPO_ROOT });
    const output = run.stdout + run.stderr;
    assert.equal(run.status, 2, output);
    const errors = output.split("\n").filter((line) => /error TS\d+/.test(line));
    assert.equal(errors.length, 1, output);
    assert.match(errors[0]!, /refused\.ts\(4,\d+\): error TS2345/);
    assert.match(output, /is not assignable to type '"not paginated: the spec gives this operation no next-page token \(a `page` parameter with an `opc-next-page` header, or a `next…` body property naming a parameter\)/);
  });

  test("the secrets client (no recordings of it) takes a bundle as OCI sends it, and says what is wrong with a wrong one without repeating it", async () => {
    const secrets = (await import(pathToFileURL(join(out, "secretretrieval", "index.ts")).href)) as {
      SecretBundleSchema: () => ResponseSchema;
      isSecretBundle: (value: unknown) => boolean;
    };
    const strict = (data: unknown): void =>
      validateResponse("strict", "GetSecretBundle", secrets.SecretBundleSchema, data, { warned: new Set(), onWarning: assert.fail }, secrets.isSecretBundle);
    // The shape of GetSecretBundle's answer (Oracle's API reference): unset fields null.
    const bundle = {
      secretId: "ocid1.vaultsecret.oc1.iad.example",
      versionNumber: 3,
      versionName: null,
      secretBundleContent: { contentType: "BASE64", content: "c3VwZXItc2VjcmV0LXZhbHVl" },
      timeCreated: "2026-01-02T03:04:05.000Z",
      timeOfDeletion: null,
      timeOfExpiry: null,
      stages: ["CURRENT", "LATEST"],
      metadata: null,
    };
    const newer = { ...bundle, stages: ["CURRENT", "SOME_NEW_STAGE"], isAutoGenerated: false, secretBundleContent: { contentType: "JSON_WEB_KEY", key: { kty: "RSA" } } };
    for (const body of [bundle, newer]) assert.doesNotThrow(() => strict(structuredClone(body)), JSON.stringify(body.stages));
    const cases: Array<[unknown, string, string, string]> = [
      [{ ...bundle, versionNumber: "3" }, "$.versionNumber", "number", "string"],
      [{ ...bundle, secretId: null }, "$.secretId", "string", "null"],
      [{ ...bundle, secretBundleContent: { contentType: "BASE64", content: 42 } }, "$.secretBundleContent.content", "string", "number"],
    ];
    for (const [body, path, expected, received] of cases) {
      assert.throws(() => strict(body), (error: unknown) => {
        assert.ok(error instanceof ResponseValidationError);
        assert.deepEqual(error.issues.map((i) => [i.path, i.expected, i.received]), [[path, expected, received]]);
        // The secret's content never appears in what the error says.
        assert.doesNotMatch(JSON.stringify(error.issues) + error.message + String(error.stack), /c3VwZXItc2VjcmV0/);
        return true;
      });
    }
  });

  test("every validator answers as its zod schema does", async () => {
    assert.equal(written.length, files.length);
    for (const dir of written) {
      const result = await compareWithZod(dir);
      assert.deepEqual(result.disagreements, [], dir);
      assert.ok(result.accepted > 0 && result.accepted < result.values, `${dir}: ${result.accepted} of ${result.values} accepted`);
    }
  });
});
