/**
 * Code generator units: names, the Oracle polymorphism rewrite, the operation model
 * (parameter serialisation, flags), endpoints, and GenerateError locations.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { OciRawError } from "oci-raw";
import { chooseEndpoint, templateFromHost } from "../codegen/endpoints.js";
import { GenerateError, pointerOf, segmentsOf, type GenerateWarning } from "../codegen/errors.js";
import { generateService } from "../codegen/generate.js";
import { loadSpec, type JsonObject } from "../codegen/load.js";
import { emitOperations } from "../codegen/emit-operations.js";
import { emitSchemaChecks } from "../codegen/emit-schemas.js";
import { BODY_KEY, buildModel, type OperationModel, type SchemaEntry, type ServiceModel } from "../codegen/model.js";
import type { SchemaNode } from "../codegen/schema-node.js";
import { camelCase, deriveOperationId, NameScope, pascalCase, safeIdentifier } from "../codegen/names.js";
import { printed, printFile } from "../codegen/print.js";
import { constDeclaration, literal, objectLiteral, property, withDoc } from "../codegen/syntax.js";
import { StructureKind, type OptionalKind, type SourceFileStructure } from "ts-morph";
import { applyDiscriminatorMappings, DISCRIMINATOR_VALUE, rewriteOraclePolymorphism } from "../codegen/polymorphism.js";

const FIXTURES = "test/fixtures/codegen";
const dir = mkdtempSync(join(tmpdir(), "oci-raw-codegen-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function specFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("names", () => {
  test("camelCase turns operation ids and header names into identifiers", () => {
    assert.equal(camelCase("ListUsers"), "listUsers");
    assert.equal(camelCase("opc-request-id"), "opcRequestId");
    assert.equal(camelCase("if-match"), "ifMatch");
    assert.equal(camelCase("Content-MD5"), "contentMD5");
    assert.equal(camelCase("compartmentId"), "compartmentId");
    assert.equal(camelCase("URLPath"), "urlPath");
    assert.equal(camelCase("user_name"), "userName");
    assert.equal(camelCase("2fa"), "_2fa");
  });

  test("pascalCase and derived operation names are stable and readable", () => {
    assert.equal(pascalCase("user.details"), "UserDetails");
    assert.equal(pascalCase("User"), "User");
    assert.equal(deriveOperationId("get", "/users/{userId}/apiKeys/"), "GetUsersByUserIdApiKeys");
    assert.equal(deriveOperationId("post", "/"), "PostRoot");
  });

  test("collisions and reserved words get a suffix, first come first served", () => {
    const scope = new NameScope(["invoke"]);
    assert.equal(scope.claim("listUsers"), "listUsers");
    assert.equal(scope.claim("listUsers", "Operation"), "listUsersOperation");
    assert.equal(scope.claim("listUsers", "Operation"), "listUsersOperation2");
    assert.equal(scope.claim("invoke", "Operation"), "invokeOperation");
    assert.equal(scope.claim("delete", "Operation"), "deleteOperation");
    const keys = new NameScope([], { avoidKeywords: false });
    assert.equal(keys.claim("default"), "default");
    assert.equal(safeIdentifier("class"), "class_");
  });
});

describe("JSON pointers", () => {
  test("escape ~ and / and round-trip", () => {
    const pointer = pointerOf(["paths", "/users/{id}", "get"]);
    assert.equal(pointer, "/paths/~1users~1{id}/get");
    assert.deepEqual(segmentsOf(pointer), ["paths", "/users/{id}", "get"]);
    assert.equal(pointerOf(["a~b"]), "/a~0b");
  });
});

describe("Oracle-style polymorphism", () => {
  function swagger(): JsonObject {
    return {
      swagger: "2.0",
      definitions: {
        Base: { discriminator: "type", required: ["type"], properties: { type: { type: "string", enum: ["A", "B"] } } },
        A: { allOf: [{ $ref: "#/definitions/Base" }, { discriminator: "A", properties: { a: { type: "string" } } }] },
        B: { allOf: [{ $ref: "#/definitions/Base" }, { discriminator: "B", properties: null }] },
        AChild: { allOf: [{ $ref: "#/definitions/A" }, { discriminator: "A_CHILD" }] },
        Orphan: { allOf: [{ $ref: "#/definitions/NoBase" }, { discriminator: "X" }] },
        NoBase: { properties: { x: { type: "string" } } },
      },
    };
  }

  test("the subtype loses its bogus discriminator and fixes the base's property to its value", () => {
    const doc = swagger();
    const warnings: GenerateWarning[] = [];
    const mappings = rewriteOraclePolymorphism(doc, "swagger-2.0", warnings);
    const a = (doc["definitions"] as JsonObject)["A"] as { allOf: JsonObject[] };
    const member = a.allOf[1]!;
    assert.equal(member["discriminator"], undefined);
    assert.deepEqual(member["properties"], {
      a: { type: "string" },
      type: { type: "string", enum: ["A"], [DISCRIMINATOR_VALUE]: true },
    });
    assert.deepEqual(member["required"], ["type"]);
    // Two levels down still finds the base's property name.
    assert.deepEqual(
      [...mappings.get("Base")!.mapping],
      [
        ["A", "A"],
        ["B", "B"],
        ["A_CHILD", "AChild"],
      ],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /X has no base schema/);
    assert.equal(warnings[0]!.pointer, "/definitions/Orphan/allOf");
  });

  test("the base gets a standard discriminator with a mapping", () => {
    const doc: JsonObject = { openapi: "3.0.3", components: { schemas: { Base: { discriminator: { propertyName: "type" } } } } };
    applyDiscriminatorMappings(doc, new Map([["Base", { propertyName: "type", mapping: new Map([["A", "A"]]) }]]));
    assert.deepEqual(((doc["components"] as JsonObject)["schemas"] as JsonObject)["Base"], {
      discriminator: { propertyName: "type", mapping: { A: "#/components/schemas/A" } },
    });
  });

  test("after conversion, typings carry the real discriminator and no property named after a value", async () => {
    const result = await generateService(`${FIXTURES}/polymorphism.swagger.yaml`, { outDir: dir, name: "poly" });
    const types = result.files.get("types.ts")!;
    assert.match(types, /ImageSourceDetails: Omit<components\["schemas"\]\["SourceDetails"\], "sourceType"> & \{/);
    assert.match(types, /sourceType: "image";/);
    assert.doesNotMatch(types, /\bimage: "ImageSourceDetails"/);
    assert.doesNotMatch(types, /\bbootVolume: /);
  });
});

describe("operation model", () => {
  async function model(file: string): Promise<OperationModel[]> {
    const spec = await loadSpec(file);
    return buildModel(spec.doc, file).operations;
  }

  test("parameters: locations, styles, overrides, collisions, dates and JSON", async () => {
    const [list] = await model(`${FIXTURES}/params.yaml`);
    const byKey = new Map(list!.params.map((p) => [p.key, p]));
    assert.deepEqual(
      list!.params.map((p) => `${p.in}:${p.name}→${p.key}:${p.serialisation}`),
      [
        "path:thingId→thingId:value",
        "path:partName→partName:value",
        "query:verbose→verbose:value",
        "query:tags→tags:multi",
        "query:fields→fields:csv",
        "query:words→words:ssv",
        "query:ids→ids:pipes",
        "query:timeCreatedAfter→timeCreatedAfter:value",
        "query:filter→filter:json",
        "query:page→page:value",
        "query:limit→limit:value",
        "header:limit→limitHeader:value",
        "header:x-colours→xColours:csv",
        "header:opc-request-id→opcRequestId:value",
      ],
    );
    // The operation's own `verbose` (required integer) replaces the path-level one.
    assert.equal(byKey.get("verbose")!.required, true);
    assert.equal(list!.paging?.style, "header");
    assert.equal(list!.retryByDefault, true);
    assert.equal(list!.acceptsRetryToken, false);
  });

  // A path-level `shape` overridden by the operation (a plain string, nothing to warn about)
  // beside a path-level `kept` that stays: only `kept` is sent as JSON, and only it warns.
  const sentAsJsonCases: Array<[string, JsonObject, string]> = [
    ["an object-valued parameter", { type: "object", properties: { a: { type: "string" } } }, "object-valued query parameter kept is sent as JSON text"],
    // Not an object (those are JSON from the start): a union no simple type covers.
    [
      "a parameter with no simple type",
      { anyOf: [{ type: "string" }, { type: "array", items: { type: "object", properties: { a: { type: "string" } } } }] },
      "parameter kept has a complex schema; typed as unknown and sent as JSON",
    ],
  ];
  for (const [what, schema, warning] of sentAsJsonCases) {
    test(`${what} is sent as JSON, with a warning, unless overridden`, () => {
      const doc: JsonObject = {
        openapi: "3.0.3",
        info: { title: "t", version: "1" },
        paths: {
          "/things": {
            parameters: [{ name: "shape", in: "query", schema }, { name: "kept", in: "query", schema }],
            get: {
              operationId: "ListThings",
              parameters: [{ name: "shape", in: "query", schema: { type: "string" } }],
              responses: { "204": { description: "none" } },
            },
          },
        },
      };
      const { operations, warnings } = buildModel(doc, "inline.yaml");
      assert.deepEqual(operations[0]!.params.map((p) => `${p.name}:${p.serialisation}`), ["shape:value", "kept:json"]);
      assert.deepEqual(warnings.map((w) => w.message), [warning]);
    });
  }

  test("a body and a parameter named body; reserved operation names; derived names; flags", async () => {
    const [, replace, stream] = await model(`${FIXTURES}/params.yaml`);
    assert.equal(replace!.functionName, "deleteOperation");
    assert.equal(replace!.operationId, "delete");
    assert.deepEqual(
      replace!.params.map((p) => p.key),
      // `verbose` comes from the path item: only GET overrides it.
      ["thingId", "partName", "verbose", "bodyQuery", "opcRetryToken"],
    );
    // The body keeps its key (BODY_KEY): the query parameter named body became bodyQuery.
    assert.ok(replace!.body);
    assert.ok(!replace!.params.some((p) => p.key === BODY_KEY));
    assert.equal(replace!.acceptsRetryToken, true);
    assert.equal(replace!.response.kind, "none");

    assert.equal(stream!.operationId, "PostThingsByThingIdActionsStream");
    assert.equal(stream!.excludeBodyFromSignature, true);
    assert.equal(stream!.body!.kind, "binary");
    const meta = stream!.params.find((p) => p.serialisation === "headerCollection")!;
    assert.equal(meta.headerPrefix, "opc-meta-");
    assert.equal(meta.key, "opcMeta");
  });

  test("Swagger 2.0 collection formats survive the conversion", async () => {
    const [list, create] = await model(`${FIXTURES}/polymorphism.swagger.yaml`);
    assert.deepEqual(
      list!.params.map((p) => `${p.name}:${p.serialisation}`),
      ["csv:csv", "multi:multi", "ssv:ssv", "pipes:pipes", "default:csv"],
    );
    // Top-level retries apply unless the operation says otherwise.
    assert.equal(list!.retryByDefault, true);
    assert.equal(create!.retryByDefault, false);
    // No `produces`: JSON, not bytes.
    assert.equal(list!.response.kind, "json");
  });

  test("Oracle's x-obmcs-enumref gives a string parameter its schema's values", async () => {
    const [list] = await model("specs/compute.swagger.yaml");
    const state = list!.params.find((p) => p.name === "lifecycleState")!;
    assert.deepEqual(state.enumValues, ["MOVING", "PROVISIONING", "RUNNING", "STARTING", "STOPPING", "STOPPED", "CREATING_IMAGE", "TERMINATING", "TERMINATED"]);
  });

  test("built-in unsigned-body list, optional Content-Length, binary and empty answers", async () => {
    const file = specFile(
      "unsigned.yaml",
      `openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /m:
    post:
      operationId: PutMessages
      parameters:
        - { name: Content-Length, in: header, required: true, schema: { type: integer } }
      requestBody: { content: { application/json: { schema: { type: object } } } }
      responses: { "200": { description: ok, content: { application/octet-stream: { schema: { type: string, format: binary } } } } }
    get:
      operationId: GetM
      responses: { "204": { description: none } }
`,
    );
    const operations = await model(file);
    const put = operations.find((o) => o.operationId === "PutMessages");
    const get = operations.find((o) => o.operationId === "GetM");
    assert.equal(put!.excludeBodyFromSignature, true);
    assert.equal(put!.params[0]!.required, false);
    assert.equal(put!.response.kind, "binary");
    assert.equal(put!.retryByDefault, false);
    assert.equal(get!.response.kind, "none");
    assert.equal(get!.excludeBodyFromSignature, false);
  });

  test("paging styles read from the spec: parameter names, response headers, body properties", async () => {
    const next = `headers: { opc-next-page: { schema: { type: string } } }`;
    const page = `{ name: page, in: query, schema: { type: string } }`;
    const file = specFile(
      "paging.yaml",
      `openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /array:
    get:
      operationId: Standard
      parameters: [${page}]
      responses: { "200": { description: ok, ${next}, content: { application/json: { schema: { type: array, items: { type: string } } } } } }
  /collection:
    get:
      operationId: Collection
      parameters: [${page}]
      responses: { "200": { description: ok, ${next}, content: { application/json: { schema: { $ref: "#/components/schemas/Collection" } } } } }
  /accepted:
    post:
      operationId: Accepted
      parameters: [${page}, { name: page, in: header, schema: { type: string } }]
      responses: { "202": { description: ok, ${next}, content: { application/json: { schema: { type: array, items: { type: string } } } } } }
  /history:
    get:
      operationId: History
      parameters: [${page}]
      responses: { "200": { description: ok, ${next}, content: { application/json: { schema: { type: object, required: [entries], properties: { entries: { type: array, items: { type: string } }, id: { type: string } } } } } } }
  /names:
    get:
      operationId: Names
      parameters: [{ name: start, in: query, schema: { type: string } }, { name: startAfter, in: query, schema: { type: string } }]
      responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Names" } } } } }
  /tokens:
    get:
      operationId: Tokens
      parameters: [{ name: pageToken, in: query, schema: { type: string } }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object, properties: { nextPageToken: { type: string }, results: { type: array, items: { type: string } } } } } } } }
  /noPageParam:
    get:
      operationId: NoPageParam
      responses: { "200": { description: ok, ${next}, content: { application/json: { schema: { type: array, items: { type: string } } } } } }
  /noHeader:
    get:
      operationId: NoHeader
      parameters: [${page}]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: array, items: { type: string } } } } } }
  /twoArrays:
    get:
      operationId: TwoArrays
      parameters: [${page}]
      responses: { "200": { description: ok, ${next}, content: { application/json: { schema: { type: object, properties: { a: { type: array, items: { type: string } }, b: { type: array, items: { type: string } } } } } } } }
  /whole:
    get:
      operationId: Whole
      responses: { "200": { description: ok, content: { application/json: { schema: { type: array, items: { type: string } } } } } }
  /thing:
    get:
      operationId: Thing
      parameters: [{ name: maintenance, in: query, schema: { type: string } }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object, properties: { nextMaintenanceRunId: { type: string } } } } } } }
components:
  schemas:
    Collection: { type: object, required: [items], properties: { items: { type: array, items: { type: string } }, prefixes: { type: array, items: { type: string } } } }
    Names:
      type: object
      required: [objects]
      properties: { objects: { type: array, items: { type: string } }, prefixes: { type: array, items: { type: string } }, nextStartWith: { type: string } }
`,
    );
    const byId = new Map((await model(file)).map((op) => [op.operationId, op]));
    const paging = (id: string) => {
      const op = byId.get(id)!;
      if (!op.paging) return op.notPaginated === undefined ? "-" : `not: ${op.notPaginated}`;
      const { style, param, next, items } = op.paging;
      return `${style} ${param.key} ← ${"header" in next ? next.header : `body.${next.body}`}, items ${items ?? "(body)"}`;
    };
    assert.equal(paging("Standard"), "header page ← opc-next-page, items (body)");
    assert.equal(paging("Collection"), "header page ← opc-next-page, items items");
    // The first 2xx counts; a header named page too gets another key, and the token goes in the query one.
    assert.equal(paging("Accepted"), "header page ← opc-next-page, items (body)");
    assert.equal(paging("History"), "header page ← opc-next-page, items entries");
    assert.equal(paging("Names"), "body start ← body.nextStartWith, items objects");
    assert.equal(paging("Tokens"), "body pageToken ← body.nextPageToken, items results");
    assert.match(paging("NoPageParam"), /^not: .*`opc-next-page` header, but it has no \(string\) `page` query parameter/);
    assert.match(paging("NoHeader"), /^not: it takes a `page` parameter, but its response has no `opc-next-page` header/);
    assert.match(paging("TwoArrays"), /^not: .*no single array of items/);
    assert.match(paging("Whole"), /^not: its spec names no next-page token/);
    // `nextMaintenanceRunId` names `maintenance`, but without an array of items this is no list.
    assert.equal(paging("Thing"), "-");
  });
});

describe("input formats", () => {
  test("JSON specs generate like YAML ones", async () => {
    const yaml = await generateService("specs/identity.yaml", { outDir: dir, name: "identity" });
    const doc = (await import("yaml")).default.parse(readFileSync("specs/identity.yaml", "utf8")) as unknown;
    const file = specFile("identity.json", JSON.stringify(doc));
    const json = await generateService(file, { outDir: dir, name: "identity" });
    assert.equal(json.operations, 5);
    const body = (text: string) => text.slice(text.indexOf("import "));
    assert.equal(body(json.files.get("index.ts")!), body(yaml.files.get("index.ts")!));
  });

  test("schemas.check.ts only with checks: true; the rest is the same but for the header's --checks and index.ts's @ts-nocheck", async () => {
    const plain = await generateService("specs/identity.yaml", { outDir: dir, name: "identity" });
    assert.deepEqual([...plain.files.keys()], ["types.ts", "index.ts"]);
    const checked = await generateService("specs/identity.yaml", { outDir: dir, name: "identity", checks: true });
    assert.deepEqual([...checked.files.keys()], ["types.ts", "schemas.check.ts", "index.ts"]);
    for (const [name, content] of plain.files) {
      const withoutNoCheck = content.replace(/^\/\/ @ts-nocheck: .*\n\/\/ .*\n/m, "");
      if (name === "index.ts") assert.notEqual(withoutNoCheck, content, "index.ts without checks says @ts-nocheck");
      assert.equal(checked.files.get(name), withoutNoCheck.replace(/(\n\/\/ {3}npx oci-raw generate .*)\n/, "$1 --checks\n"), name);
    }
  });

  test("printFile prints structures and syntax trees, each call on its own", async () => {
    const structure: OptionalKind<SourceFileStructure> = {
      leadingTrivia: "// header\n",
      statements: [
        { kind: StructureKind.Interface, name: "P", isExported: true, properties: [{ name: "a", type: "string", hasQuestionToken: true }] },
        ...printed([withDoc(constDeclaration({ name: "x", initializer: objectLiteral([property("a", literal(1))]) }), "Two\nlines")]),
        { kind: StructureKind.Function, name: "f", isAsync: true, parameters: [{ name: "p", type: "P" }], statements: ["return p;"] },
      ],
    };
    const expected =
      "// header\n\nexport interface P {\n  a?: string;\n}\n\n/**\n * Two\n * lines\n */\nexport const x = {\n  a: 1,\n};\n\nasync function f(p: P) {\n  return p;\n}\n";
    assert.equal(printFile("a.ts", structure), expected);
    // The same name again: nothing is left over from the first call.
    assert.equal(printFile("a.ts", structure), expected);
  });
});

describe("endpoints", () => {
  test("option, then a real OCI host, then Oracle's service names", () => {
    assert.deepEqual(chooseEndpoint("x", "localhost:9000", "https://x.{region}.{domain}"), {
      template: "https://x.{region}.{domain}",
      source: "option",
    });
    assert.equal(templateFromHost("secrets.vaults.$region.oci.oraclecloud.com"), "https://secrets.vaults.{region}.oci.{domain}");
    assert.equal(templateFromHost("localhost:9000"), undefined);
    assert.equal(chooseEndpoint("identity", "localhost:9000", undefined).template, "https://identity.{region}.{domain}");
    assert.equal(chooseEndpoint("core-iaas", undefined, undefined).template, "https://iaas.{region}.{domain}");
    assert.equal(chooseEndpoint("monitoring", undefined, undefined).template, "https://telemetry.{region}.{domain}");
    assert.equal(chooseEndpoint("vault-secretmgmt", undefined, undefined).template, "https://vaults.{region}.oci.{domain}");
    assert.deepEqual(chooseEndpoint("kms-key", undefined, undefined), { template: undefined, source: "per-resource" });
    assert.deepEqual(chooseEndpoint("petstore", undefined, undefined), { template: undefined, source: "unknown" });
  });
});

describe("GenerateError", () => {
  async function failure(file: string): Promise<GenerateError> {
    const error = await generateService(file, { outDir: dir }).then(
      () => assert.fail("expected a GenerateError"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof GenerateError, String(error));
    assert.ok(error instanceof OciRawError);
    assert.equal(error.code, "GENERATE_ERROR");
    return error;
  }

  test("a missing file", async () => {
    const error = await failure(join(dir, "nope.yaml"));
    assert.match(error.message, /nope\.yaml#: file not found/);
  });

  test("YAML syntax, with the line", async () => {
    const error = await failure(specFile("broken.yaml", "openapi: 3.0.0\ninfo: { title: t\npaths: {}\n"));
    assert.match(error.message, /broken\.yaml:\d+#: not valid YAML/);
  });

  test("an unsupported version points at it", async () => {
    const error = await failure(specFile("v4.yaml", "openapi: 4.0.0\ninfo: { title: t, version: '1' }\npaths: {}\n"));
    assert.equal(error.pointer, "/openapi");
    const swagger1 = await failure(specFile("s1.json", '{"swagger": "1.2"}'));
    assert.equal(swagger1.pointer, "/swagger");
    await failure(specFile("none.yaml", "hello: world\n"));
  });

  test("a dangling $ref points at the reference", async () => {
    const error = await failure(
      specFile(
        "dangling.yaml",
        `openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /a:
    get:
      responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Missing" } } } } }
`,
      ),
    );
    assert.equal(error.pointer, "/paths/~1a/get/responses/200/content/application~1json/schema");
    assert.match(error.message, /#\/components\/schemas\/Missing points at nothing/);
  });

  test("an undeclared path parameter and a nameless parameter", async () => {
    const undeclared = await failure(
      specFile("undeclared.yaml", `openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths:\n  /a/{id}:\n    get:\n      responses: { "204": { description: ok } }\n`),
    );
    assert.equal(undeclared.pointer, "/paths/~1a~1{id}");
    assert.match(undeclared.message, /path parameter \{id\} is not declared/);
    const nameless = await failure(
      specFile(
        "nameless.yaml",
        `openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths:\n  /a:\n    get:\n      parameters: [{ in: query }]\n      responses: { "204": { description: ok } }\n`,
      ),
    );
    assert.equal(nameless.pointer, "/paths/~1a/get/parameters/0");
  });

  test("a $ref into a missing file names the reference", async () => {
    const error = await failure(
      specFile(
        "external-missing.yaml",
        `openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths:\n  /a:\n    get:\n      responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "./gone.yaml#/X" } } } } }\n`,
      ),
    );
    assert.match(error.message, /cannot load the \$ref target gone\.yaml/);
    assert.equal(error.pointer, "/paths/~1a/get/responses/200/content/application~1json/schema");
  });
});

describe("printing from a model built by hand", () => {
  // No spec: the printers read only the model, so a model written out here is enough.
  const thingNode: SchemaNode = {
    kind: "object",
    properties: [
      { key: "id", node: { kind: "string" }, required: true },
      { key: "parent", node: { kind: "ref", name: "Thing" }, required: false },
    ],
  };
  const thing: SchemaEntry = { schema: "ThingSchema", guard: "isThing", what: "{@link Thing}", component: "Thing", node: thingNode, type: `components["schemas"]["Thing"]`, alias: "Thing" };
  const getThing: OperationModel = {
    operationId: "GetThing",
    functionName: "getThing",
    paramsTypeName: "GetThingParams",
    method: "GET",
    path: "/things/{thingId}",
    pointer: "/paths/~1things~1{thingId}/get",
    summary: "Gets a thing",
    description: undefined,
    deprecated: false,
    params: [{ name: "thingId", key: "thingId", in: "path", required: true, description: "The thing.", deprecated: false, schema: { type: "string" }, serialisation: "value", pointer: "" }],
    body: undefined,
    response: { kind: "json", status: "200", mediaType: "application/json", schema: { $ref: "#/components/schemas/Thing" }, at: [] },
    paging: undefined,
    notPaginated: undefined,
    retryByDefault: true,
    excludeBodyFromSignature: false,
    acceptsRetryToken: false,
  };
  const model: ServiceModel = {
    operations: [getThing],
    schemaNames: new Map([["Thing", "Thing"]]),
    warnings: [],
    title: "Things",
    schemaDescriptions: new Map([["Thing", "A thing, maybe in another."]]),
    schemas: {
      entries: [thing],
      responseSchemas: new Map([["GetThing", thing]]),
      identifiers: new Map([["Thing", "ThingSchema"]]),
      guards: new Map([["Thing", "isThing"]]),
      bases: new Map(),
      lazyRefs: new Set(),
      cycles: new Map([["Thing", 0]]),
      warnings: [],
    },
  };

  test("index.ts: the operation, its request, the alias with its description, the schema and its guard", () => {
    const index = emitOperations(model, { name: "things", endpointTemplate: "https://things.{region}.{domain}", perResource: false, basePath: "/v1" }, "// header\n");
    assert.ok(index.startsWith("// header\nimport { invoke, lazySchema, type CallOptions,"), index.slice(0, 200));
    assert.match(index, /\/\*\* Things: where requests go\. \*\/\nexport const service: ServiceInfo = \{\n {2}name: "things",\n {2}endpointTemplate: "https:\/\/things\.\{region\}\.\{domain\}",\n {2}basePath: "\/v1",\n\};/);
    assert.match(index, /\/\*\* A thing, maybe in another\. \*\/\nexport type Thing = components\["schemas"\]\["Thing"\];/);
    assert.match(index, /export async function getThing\(client: Client, params: GetThingParams, options\?: CallOptions\): Promise<OciResponse<Thing>> \{/);
    assert.match(index, /pathParams: \{\n\s+thingId: params\.thingId,\n\s+\}/);
    assert.match(index, /schema: ThingSchema,\n\s+isValid: isThing,\n\s+retryByDefault: true,/);
    // The model says Thing is in a cycle with itself: its `parent` is read through a getter.
    assert.match(index, /export const ThingSchema: \(\) => ResponseSchema<Thing> = \/\* @__PURE__ \*\/ lazySchema\(\(\) => z\.looseObject\(\{\n {2}id: z\.string\(\),\n {2}get parent\(\) \{\n {4}return z\.exactOptional\(ThingSchema\(\)\);\n {2}\},\n\}\)\);/);
    assert.match(index, /export function isThing\(value: unknown\): value is Thing \{/);
    assert.doesNotMatch(index, /prefixHeaders|Paged/);
  });

  test("a reference outside the schema's cycle group is a plain property", () => {
    const owner: SchemaEntry = { ...thing, schema: "OwnerSchema", guard: "isOwner", what: "{@link Owner}", component: "Owner", node: { kind: "object", properties: [{ key: "thing", node: { kind: "ref", name: "Thing" }, required: true }] }, alias: "Owner" };
    const schemas = { ...model.schemas, entries: [thing, owner], identifiers: new Map([["Thing", "ThingSchema"], ["Owner", "OwnerSchema"]]), guards: new Map([["Thing", "isThing"], ["Owner", "isOwner"]]), cycles: new Map([["Thing", 0], ["Owner", 1]]) };
    const plain = emitOperations({ ...model, schemas }, { name: "things", endpointTemplate: undefined, perResource: false, basePath: "" }, "");
    assert.match(plain, /lazySchema\(\(\) => z\.looseObject\(\{\n {2}thing: ThingSchema\(\),\n\}\)\);/);
    assert.match(plain, /Things: where requests go\. No endpoint is known for it: create the client with `endpoint`\./);
  });

  test("schemas.check.ts from the same model", () => {
    const check = emitSchemaChecks(model, "// header\n");
    assert.match(check, /^\/\/ header\n\/\/ Compile-time proof/);
    assert.match(check, /export const ThingSchema: \(\) => z\.ZodMiniType<components\["schemas"\]\["Thing"\]> = lazy\(\(\) =>/);
  });
});
