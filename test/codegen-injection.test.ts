/**
 * Nothing the generator prints from outside input becomes code: not from the spec's content
 * (13 payloads × 12 positions: descriptions, titles, names, enum values, paths, servers,
 * examples), not from the file name, the output folder, --endpoint or the regenerate command
 * that land in every file's header comment. Each generated file is parsed with TypeScript:
 * the payload's identifier may appear in strings and comments, never as code.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import ts from "typescript";
import { GenerateError } from "../codegen/errors.js";
import { generateService, type GeneratedService } from "../codegen/generate.js";

const MARK = "__ociRawInjected";
const CODE = `globalThis.${MARK} = 1`;

/** What breaks out of comments, strings and templates, each carrying the same code. */
const PAYLOADS: readonly string[] = [
  `*/ ${CODE}; /*`,
  `\n${CODE};\n//`,
  `\r${CODE};//`,
  `\u2028${CODE};//`,
  `\u2029${CODE};//`,
  `"; ${CODE}; "`,
  `'; ${CODE}; '`,
  `\`; ${CODE}; \``,
  `\${${CODE}}`,
  `\\"; ${CODE}; //`,
  `</script><!-- ${CODE} -->`,
  `*/\n${CODE}\n/*`,
  `@ts-ignore */ ${CODE} /**`,
];

/** A spec with `payload` in twelve places. */
function specWith(payload: string): object {
  return {
    openapi: "3.0.3",
    info: { title: payload, description: payload, version: "1" },
    servers: [{ url: `/20160918/${payload}` }],
    paths: {
      [`/things/${payload}/{thingId}`]: {
        get: {
          operationId: "GetThing",
          summary: payload,
          description: payload,
          parameters: [
            { name: "thingId", in: "path", required: true, description: payload, schema: { type: "string" } },
            { name: payload, in: "query", description: payload, schema: { type: "string", example: payload } },
            { name: `opc-${payload}`, in: "header", schema: { type: "string" } },
          ],
          responses: {
            "200": { description: payload, content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
          },
        },
      },
    },
    components: {
      schemas: {
        Thing: {
          type: "object",
          description: payload,
          required: ["id"],
          properties: {
            id: { type: "string", description: payload, example: payload },
            [payload]: { type: "string", enum: [payload, "plain"], default: payload },
          },
        },
      },
    },
  };
}

/** Identifiers named MARK outside strings and comments, and syntax errors, in a generated file. */
function codeProblems(name: string, text: string): string[] {
  const problems: string[] = [];
  const { diagnostics = [] } = ts.transpileModule(text, { reportDiagnostics: true, fileName: name, compilerOptions: { module: ts.ModuleKind.ESNext } });
  for (const d of diagnostics) problems.push(`${name}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === MARK) problems.push(`${name}: ${MARK} is code at ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

function assertNoCode(service: GeneratedService): void {
  const problems = [...service.files].flatMap(([name, text]) => codeProblems(name, text));
  assert.deepEqual(problems, []);
}

const dir = mkdtempSync(join(tmpdir(), "oci-raw-injection-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("generated code from hostile input", () => {
  test(`spec content: ${PAYLOADS.length} payloads × 12 positions stay data`, async () => {
    let generated = 0;
    for (const [i, payload] of PAYLOADS.entries()) {
      const spec = join(dir, `spec-${i}.json`);
      writeFileSync(spec, JSON.stringify(specWith(payload)));
      try {
        const service = await generateService(spec, { outDir: join(dir, "out"), name: `s${i}`, cwd: dir });
        assertNoCode(service);
        generated++;
      } catch (error) {
        // Refusing a name it cannot print is allowed; printing it as code is not.
        assert.ok(error instanceof GenerateError, `payload ${i}: ${String(error)}`);
      }
    }
    assert.ok(generated >= PAYLOADS.length - 2, `only ${generated} of ${PAYLOADS.length} specs generated`);
  });

  test("the header comment: a line break in the spec's file name, the output folder or the regenerate command stays in the comment", async () => {
    const spec = join(dir, "plain.json");
    writeFileSync(spec, JSON.stringify(specWith("plain")));
    for (const breaker of ["\n", "\r", "\u2028", "\u2029", "\r\n"]) {
      const evilSpec = join(dir, `evil${breaker}${CODE};.json`);
      writeFileSync(evilSpec, JSON.stringify(specWith("plain")));
      const outDir = join(dir, `out${breaker}${CODE};`);
      mkdirSync(outDir, { recursive: true });
      const fromName = await generateService(evilSpec, { outDir, name: "evil", cwd: dir });
      assertNoCode(fromName);
      const header = fromName.files.get("index.ts")!.split("\n").slice(0, 2);
      assert.ok(header.every((line) => line.startsWith("//")), header.join("\n"));
      const fromCommand = await generateService(spec, { outDir, name: "cmd", cwd: dir, regenerateCommand: `npm run generate${breaker}${CODE}` });
      assertNoCode(fromCommand);
    }
  });

  test("--endpoint that is not an http(s) URL template is a GenerateError, before anything is printed", async () => {
    const spec = join(dir, "plain.json");
    writeFileSync(spec, JSON.stringify(specWith("plain")));
    for (const endpoint of [`https://x\n${CODE}`, `https://x\u2028${CODE}`, `javascript:${CODE}`, "https://iaas .{region}.{domain}", ""]) {
      await assert.rejects(generateService(spec, { outDir: join(dir, "out"), name: "ep", cwd: dir, endpoint }), (error: unknown) => {
        assert.ok(error instanceof GenerateError, String(error));
        assert.match(error.message, /not an http\(s\) URL template/);
        return true;
      });
    }
    const fine = await generateService(spec, { outDir: join(dir, "out"), name: "ep", cwd: dir, endpoint: "https://iaas.{region}.{domain}" });
    assert.equal(fine.endpointTemplate, "https://iaas.{region}.{domain}");
  });
});

/** A spec whose one operation answers `schemas[first]`, with `params` on it. */
function specOf(schemas: Record<string, unknown>, params: unknown[] = []): object {
  const first = Object.keys(schemas)[0]!;
  return {
    openapi: "3.0.3",
    info: { title: "t", version: "1" },
    paths: {
      "/x": {
        get: {
          operationId: "GetX",
          parameters: params,
          responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: `#/components/schemas/${first}` } } } } },
        },
      },
    },
    components: { schemas },
  };
}

async function generateFrom(name: string, spec: object): Promise<GeneratedService> {
  const file = join(dir, `${name}.json`);
  // JSON text, so that "__proto__" stays a key (an object literal here would set a prototype).
  writeFileSync(file, JSON.stringify(spec));
  return generateService(file, { outDir: join(dir, "out"), name, cwd: dir });
}

describe("odd names and deep nesting", () => {
  test("a property or query parameter named __proto__ is defined, never written as a prototype-setting `__proto__:`", async () => {
    const spec = JSON.stringify(specOf({ Thing: { type: "object", required: ["id"], properties: { id: { type: "string" }, __PROTO__: { type: "string" } } } }, [
      { name: "__PROTO__", in: "query", schema: { type: "string" } },
    ])).replaceAll("__PROTO__", "__proto__");
    const service = await generateFrom("proto", JSON.parse(spec) as object);
    const index = service.files.get("index.ts")!;
    const source = ts.createSourceFile("index.ts", index, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const setters: string[] = [];
    const definitions: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAssignment(node)) {
        const name = node.name;
        if ((ts.isIdentifier(name) || ts.isStringLiteral(name)) && name.text === "__proto__") setters.push(node.getText());
        if (ts.isComputedPropertyName(name) && ts.isStringLiteral(name.expression) && name.expression.text === "__proto__") definitions.push(node.getText());
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    assert.deepEqual(setters, []);
    assert.ok(definitions.some((text) => text.includes("params.")), `the query parameter is sent: ${definitions.join(" | ")}`);
    assert.ok(definitions.some((text) => text.includes("z.")), `the zod shape checks it: ${definitions.join(" | ")}`);
  });

  test("schemas named like Object.prototype members: a GenerateError naming them (openapi-typescript cannot type them); other odd names generate", async () => {
    for (const name of ["hasOwnProperty", "valueOf", "isPrototypeOf"]) {
      await assert.rejects(generateFrom(`named-${name}`, specOf({ [name]: { type: "object", properties: { a: { type: "string" } } } })), (error: unknown) => {
        assert.ok(error instanceof GenerateError, String(error));
        assert.equal(error.pointer, `/components/schemas/${name}`);
        assert.match(error.message, new RegExp(`The schema ${name} \\(components/schemas\\) is named like a property every JavaScript object has`));
        return true;
      });
    }
    for (const name of ["constructor", "toString", "__proto__"]) {
      const service = await generateFrom(`named-${name.replace(/_/g, "u")}`, JSON.parse(JSON.stringify(specOf({ NAME: { type: "object", properties: { a: { type: "string" } } } })).replace('"NAME"', JSON.stringify(name)).replace("schemas/NAME", `schemas/${name}`)) as object);
      assertNoCode(service);
      assert.equal(service.operations, 1);
    }
  });

  test("a schema nested 500 levels deep: a GenerateError with the pointer, not a RangeError; 100 levels still generate", async () => {
    const nested = (levels: number): unknown => {
      let schema: unknown = { type: "string" };
      for (let i = 0; i < levels; i++) schema = { type: "object", properties: { n: schema } };
      return schema;
    };
    await assert.rejects(generateFrom("deep", specOf({ Deep: nested(500) })), (error: unknown) => {
      assert.ok(error instanceof GenerateError, String(error));
      assert.match(error.pointer ?? "", /^\/components\/schemas\/Deep(\/properties\/n)+/);
      assert.match(error.message, /more than 256 levels deep/);
      return true;
    });
    const ok = await generateFrom("deep-ok", specOf({ Deep: nested(100) }));
    assert.equal(ok.operations, 1);
  });
});

/** The GenerateError `spec` gives, asserted to be one (not a TypeError, URIError or hang), naming the file. */
async function refusal(name: string, spec: object): Promise<GenerateError> {
  const outcome = await Promise.race([
    generateFrom(name, spec).then(
      () => assert.fail(`${name}: generated`),
      (error: unknown) => error,
    ),
    new Promise((resolve) => setTimeout(() => resolve("no answer within 20 s"), 20_000).unref()),
  ]);
  assert.ok(outcome instanceof GenerateError, `${name}: ${String((outcome as Error)?.stack ?? outcome)}`);
  assert.ok(outcome.message.startsWith(`${name}.json#`), outcome.message);
  return outcome;
}

const THING = { type: "object", properties: { a: { type: "string" } } };

describe("mutated specs the generator property found (test/properties-codegen.test.ts)", () => {
  test("a $ref whose pointer has a % that starts no escape: a GenerateError at the $ref, not a URIError", async () => {
    const error = await refusal("percent-ref", specOf({ Thing: { type: "object", properties: { a: { $ref: "#/components/schemas/%E0%A4%A" } } } }));
    assert.equal(error.pointer, "/components/schemas/Thing/properties/a/$ref");
    assert.match(error.message, /not a valid JSON pointer.*%25/);
  });

  test("alias cycles (A: {$ref: A}; A → B → A): a GenerateError naming the cycle; recursion through a property still generates", async () => {
    const self = await refusal("alias-self", specOf({ Thing: { $ref: "#/components/schemas/Thing" } }));
    assert.equal(self.pointer, "/components/schemas/Thing");
    assert.match(self.message, /\$ref cycle: #\/components\/schemas\/Thing → #\/components\/schemas\/Thing/);
    const pair = await refusal("alias-pair", specOf({ A: { $ref: "#/components/schemas/B" }, B: { $ref: "#/components/schemas/A" } }));
    assert.match(pair.message, /\$ref cycle: .*B → .*A → .*B/);
    const recursive = await generateFrom("recursive", specOf({ Node: { type: "object", properties: { next: { $ref: "#/components/schemas/Node" } } } }));
    assertNoCode(recursive);
  });

  test("a $ref to a part of the document that contains it and is no schema (#/components, #): a GenerateError at the $ref (openapi-typescript followed it for 20 s into a stack overflow; found by the property)", async () => {
    for (const ref of ["#/components", "#"]) {
      const error = await refusal(`contains-itself-${ref.length}`, specOf({ Thing: THING, Other: { $ref: ref } }));
      assert.equal(error.pointer, "/components/schemas/Other/$ref");
      assert.match(error.message, /contains this \$ref, not at a schema/);
    }
    // A schema that refers to itself from inside is recursion, and generates.
    assertNoCode(await generateFrom("self-inside", specOf({ Thing: THING, Other: { type: "object", properties: { again: { $ref: "#/components/schemas/Other" } } } })));
  });

  test("backslashes in an operationId and an enum value beside a \"*/*\" response stay in their strings (ts-morph's writer read `\"\\\\\"` as an open string and closed a comment that was none; found by the property)", async () => {
    const spec = specOf({ Thing: THING }, [{ name: "mode", in: "query", schema: { type: "string", enum: ["a\\", "b"] } }]) as { paths: { "/x": { get: Record<string, unknown> } } };
    const get = spec.paths["/x"].get;
    get["operationId"] = "Get\\";
    get["responses"] = { "200": { description: "ok", content: { "*/*": { schema: THING } } } };
    const service = await generateFrom("backslash", spec);
    assertNoCode(service);
    assert.match(service.files.get("index.ts")!, /operations\["Get\\u005C"\]/);
  });

  test("a query parameter whose schema is a $ref to a composition (allOf) is sent as JSON text, like an object (its type was no QueryValue; found by the property's tsc sample)", async () => {
    const service = await generateFrom("composed-query", specOf({ Thing: THING, Composed: { allOf: [THING, { type: "object", properties: { b: { type: "string" } } }] } }, [
      { name: "filter", in: "query", schema: { $ref: "#/components/schemas/Composed" } },
    ]));
    assert.ok(service.warnings.some((w) => /parameter filter is a Composed, a composition of objects; it is sent as JSON text/.test(w.message)), JSON.stringify(service.warnings));
    assert.match(service.files.get("index.ts")!, /filter: params\.filter === undefined \? undefined : JSON\.stringify\(params\.filter\)/);
  });

  test("a discriminator declared as an object (or any type but string): a GenerateError at the property (its subtypes' types and validators disagreed; found by the property's tsc sample)", async () => {
    const base = (kind: unknown) => ({ type: "object", required: ["kind"], discriminator: { propertyName: "kind", mapping: { a: "#/components/schemas/A" } }, properties: { kind } });
    const A = { allOf: [{ $ref: "#/components/schemas/Base" }, THING] };
    for (const kind of [{ $ref: "#/components/schemas/A" }, { type: "integer" }, { type: "object", properties: { x: { type: "string" } } }]) {
      const error = await refusal("discriminator-type", specOf({ Base: base(kind), A }));
      assert.equal(error.pointer, "/components/schemas/Base/properties/kind");
      assert.match(error.message, /the discriminator kind of Base is declared as .*; a discriminator holds a string/);
    }
    assertNoCode(await generateFrom("discriminator-string", specOf({ Base: base({ type: "string", enum: ["a", "b"] }), A })));
  });

  test("Swagger 2.0: a parameter's own schema fields are checked as a schema's: a `type` list, an `enum` with null (openapi-typescript: URI malformed, `reading 'literal'`; found by the property)", async () => {
    const swagger = (parameter: object) => ({
      swagger: "2.0",
      info: { title: "t", version: "1" },
      paths: { "/x": { get: { operationId: "GetX", parameters: [parameter], responses: { "200": { description: "ok" } } } } },
    });
    const type = await refusal("swagger-type-list", swagger({ name: "%", in: "header", type: [1, "a", null] }));
    assert.equal(type.pointer, "/paths/~1x/get/parameters/0/type");
    assert.match(type.message, /`type` must be a type name \(a string\), not a list/);
    const values = await refusal("swagger-enum-null", swagger({ name: "mode", in: "query", type: "string", required: true, enum: [1, "a", null] }));
    assert.equal(values.pointer, "/paths/~1x/get/parameters/0/enum/2");
    assertNoCode(await generateFrom("swagger-enum-ok", swagger({ name: "mode", in: "query", type: "string", required: true, enum: ["a", "b"] })));
  });

  test("a $ref to a part of the spec that is no schema, parameter or response (#/info): a GenerateError at the $ref (openapi-typescript wrote a type naming nothing; found by the property)", async () => {
    const error = await refusal("ref-info", specOf({ Thing: THING, Other: { $ref: "#/info" } }));
    assert.equal(error.pointer, "/components/schemas/Other/$ref");
    assert.match(error.message, /points at the spec's info, which is no schema/);
  });

  test("a response schema named \"%25\": its optional properties may be null in its type as in its schema (openapi-typescript decoded the name once more; found by the property's tsc sample)", async () => {
    const service = await generateFrom("named-percent-25", JSON.parse(JSON.stringify(specOf({ NAME: THING })).replace('"NAME"', '"%25"').replace("schemas/NAME", "schemas/%2525")) as object);
    assert.match(service.files.get("types.ts")!, /"%25": \{\s+a\?: string \| null;/);
  });

  test("a schema that contains itself through items or allOf: a GenerateError (openapi-typescript would write a type TypeScript refuses)", async () => {
    const items = await refusal("cycle-items", specOf({ List: { type: "array", items: { $ref: "#/components/schemas/List" } } }));
    assert.equal(items.pointer, "/components/schemas/List");
    assert.match(items.message, /contains itself outside any object property: List → List \(items\)/);
    const allOf = await refusal("cycle-allof", specOf({ A: { allOf: [{ $ref: "#/components/schemas/B" }] }, B: { allOf: [THING, { $ref: "#/components/schemas/A" }] } }));
    assert.match(allOf.message, /A → B \(allOf\) → A \(allOf\)/);
  });

  test("fields of the wrong type: a GenerateError naming the field, not openapi-typescript's TypeError", async () => {
    const spec = specOf({ Thing: THING }) as { paths: { "/x": { get: Record<string, unknown> } } };
    spec.paths["/x"].get["parameters"] = { type: 5 };
    const parameters = await refusal("wrong-parameters", spec);
    assert.equal(parameters.pointer, "/paths/~1x/get/parameters");
    assert.match(parameters.message, /`parameters` must be a list, not an object/);
    const mapping = await refusal("wrong-mapping", specOf({ Thing: { ...THING, discriminator: { propertyName: "a", mapping: { x: {} } } } }));
    assert.equal(mapping.pointer, "/components/schemas/Thing/discriminator/mapping/x");
    const enumNull = await refusal("enum-null", specOf({ Thing: { type: "string", enum: ["a", null] } }));
    assert.equal(enumNull.pointer, "/components/schemas/Thing/enum/1");
    // Found by the mutated-spec property: `swagger: null` read "Swagger null is not supported", which looked like a wrapped crash.
    const version = await refusal("swagger-null", { ...(specOf({ Thing: THING }) as object), openapi: undefined, swagger: null });
    assert.equal(version.pointer, "/swagger");
    assert.match(version.message, /`swagger` says null; the versions read are Swagger "2.0" and OpenAPI 3.0 and 3.1/);
    // Found by the mutated-spec property: an enum value that is a $ref object typed the enum as an object.
    const enumRef = await refusal("enum-ref", specOf({ Thing: { type: "string", enum: ["ACTIVE", { $ref: "#/components/schemas/Other" }] } }));
    assert.equal(enumRef.pointer, "/components/schemas/Thing/enum/1");
    assert.match(enumRef.message, /enum values are literals/);
  });

  test("names openapi-typescript cannot take: a schema named \"\" (it never finished), \"%\", an operationId \"%\"", async () => {
    const empty = await refusal("named-empty", specOf({ "": THING }));
    assert.equal(empty.pointer, "/components/schemas/");
    const percent = await refusal("named-percent", JSON.parse(JSON.stringify(specOf({ NAME: THING })).replace('"NAME"', '"%"').replace("schemas/NAME", "schemas/%25")) as object);
    assert.equal(percent.pointer, "/components/schemas/%");
    const spec = specOf({ Thing: THING }) as { paths: { "/x": { get: Record<string, unknown> } } };
    spec.paths["/x"].get["operationId"] = "%";
    const operation = await refusal("operation-percent", spec);
    assert.equal(operation.pointer, "/paths/~1x/get/operationId");
  });

  test("a nested property named \"%\" generates under its name (openapi-typescript decoded the paths it built: URI malformed; found by the property)", async () => {
    const service = await generateFrom("nested-percent", specOf({ Thing: { type: "object", required: ["%"], properties: { "%": { type: "object", properties: { "50% off": { type: "integer" } } } } } }));
    assertNoCode(service);
    assert.match(service.files.get("types.ts")!, /"%": \{\s+"50% off"\?: number \| null;\s+\};/);
  });

  test("properties named like members of every object generate under their own names: toString, constructor or __proto__ a $ref to a recursive schema (openapi-typescript recursed into a stack overflow; found by the property in CI), valueOf (it failed), hasOwnProperty in Swagger 2.0 (the converter called it)", async () => {
    const names = ["toString", "constructor", "__proto__", "valueOf", "hasOwnProperty"];
    // JSON text with the names put in afterwards, so that "__proto__" stays a key.
    const recursive = (ref: string): string =>
      JSON.stringify({ type: "object", required: ["id"], properties: Object.fromEntries([["id", { type: "string" }], ...names.map((name, i) => [`NAME${i}`, { $ref: ref }])]) });
    const named = (text: string): object => JSON.parse(names.reduce((t, name, i) => t.replaceAll(`NAME${i}`, name), text)) as object;
    const openapi = JSON.stringify(specOf({ Node: { SCHEMA: 1 } })).replace('{"SCHEMA":1}', recursive("#/components/schemas/Node"));
    const swagger = JSON.stringify({
      swagger: "2.0",
      info: { title: "t", version: "1" },
      paths: { "/x": { get: { operationId: "GetX", responses: { "200": { description: "ok", schema: { $ref: "#/definitions/Node" } } } } } },
      definitions: { Node: { SCHEMA: 1 } },
    }).replace('{"SCHEMA":1}', recursive("#/definitions/Node"));
    for (const [name, spec] of [["members-openapi", openapi], ["members-swagger", swagger]] as const) {
      const outcome = await Promise.race([generateFrom(name, named(spec)), new Promise<string>((resolve) => setTimeout(() => resolve("no answer within 20 s"), 20_000).unref())]);
      assert.ok(typeof outcome !== "string", `${name}: ${outcome as string}`);
      assertNoCode(outcome);
      const types = outcome.files.get("types.ts")!;
      for (const member of names) assert.match(types, new RegExp(`\\n\\s+${member}\\?: components\\["schemas"\\]\\["Node"\\] \\| null;`), `${name}: ${member}`);
      assert.doesNotMatch(types + outcome.files.get("index.ts"), /oci_raw_name_/, `${name}: no stand-in name is left`);
    }
  });

  test("a parameter named like a member of every object (hasOwnProperty, toString): a GenerateError naming it — found by the mutated-spec property, whose tsc sample refused `{}` as its params", async () => {
    for (const name of ["hasOwnProperty", "toString"]) {
      const error = await refusal(`param-${name}`, specOf({ Thing: THING }, [{ name, in: "query", schema: { type: "string" } }]));
      assert.equal(error.pointer, "/paths/~1x/get/parameters/0");
      assert.match(error.message, new RegExp(`params property ${name}, which every JavaScript object already has`));
    }
  });

  test("a query parameter that is a list of lists is sent as JSON text (the list forms would not type-check)", async () => {
    const service = await generateFrom("list-of-lists", specOf({ Thing: THING }, [{ name: "grid", in: "query", schema: { type: "array", items: { type: "array", items: { type: "string" } } } }]));
    assert.ok(service.warnings.some((w) => /list of lists or objects; it is sent as JSON text/.test(w.message)), JSON.stringify(service.warnings));
  });

  test("Swagger 2.0: a definition named \"%\" (openapi-typescript: URI malformed, found by the mutated-spec property in CI) is a GenerateError naming it", async () => {
    const spec = {
      swagger: "2.0", info: { title: "t", version: "1" },
      paths: { "/x": { get: { operationId: "GetX", responses: { "200": { description: "ok", schema: { $ref: "#/definitions/%25" } } } } } },
      definitions: { "%": { type: "object", properties: { a: { type: "string" } } } },
    };
    const error = await refusal("swagger-percent", spec);
    assert.equal(error.pointer, "/definitions/%");
    assert.match(error.message, /starts no percent escape/);
  });

  test("Swagger 2.0: a definition named __proto__ or hasOwnProperty (the converter failed: [object Object], not a function) is a GenerateError naming it", async () => {
    const swagger = {
      swagger: "2.0",
      info: { title: "t", version: "1" },
      paths: { "/x": { get: { operationId: "GetX", responses: { "200": { description: "ok", schema: { $ref: "#/definitions/NAME" } } } } } },
      definitions: { NAME: THING },
    };
    for (const name of ["__proto__", "hasOwnProperty"]) {
      const error = await refusal(`swagger-${name}`, JSON.parse(JSON.stringify(swagger).replaceAll("NAME", name)) as object);
      assert.equal(error.pointer, `/definitions/${name}`);
    }
  });
});
