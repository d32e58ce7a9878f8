/**
 * oci-raw/codegen — the code generator as a library:
 *   await generate({ specs: ["specs/identity.yaml"], outDir: "generated" })
 */
export { generate, generateService, writeService, serviceNameOf, GENERATED_FILES } from "./generate.js";
export type { GenerateOptions, GeneratedService } from "./generate.js";
export { GenerateError } from "./errors.js";
export type { GenerateWarning } from "./errors.js";
export { chooseEndpoint } from "./endpoints.js";
