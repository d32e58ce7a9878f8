/**
 * oci-raw/codegen — the code generator as a library:
 *   await generate({ specs: ["specs/identity.yaml"], outDir: "generated" })
 * and Oracle's specs by service name:
 *   const { file, source } = await fetchSpec("identity");
 *   await generate({ specs: [file], source, outDir: "generated" })
 */
export { generate, generateService, writeService, serviceNameOf, GENERATED_FILES } from "./generate.js";
export type { GenerateOptions, GeneratedService } from "./generate.js";
export { GenerateError } from "./errors.js";
export type { GenerateWarning } from "./errors.js";
export { chooseEndpoint } from "./endpoints.js";
export { builtInCatalog, defaultSpecsCacheDir, fetchSpec, findSpec, readCatalog, ORACLE_SPECS_BASE_URL } from "./specs.js";
export type { CatalogEntry, FetchSpecOptions, FetchedSpec, SpecSource } from "./specs.js";
