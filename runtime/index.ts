/**
 * oci-raw — the public runtime API (re-exports only; nothing runs at import).
 * Nothing reachable from here imports undici, zod, node-forge, the code generator or the emulator.
 */
export * from "./errors.js";
export * from "./signing.js";
export * from "./keys.js";
export * from "./signers.js";
export * from "./transport.js";
export * from "./config.js";
export * from "./regions.js";
export * from "./retry.js";
export * from "./service-error.js";
export * from "./request.js";
export * from "./operation.js";
export * from "./validation.js";
export * from "./paginate.js";
export * from "./client.js";
export * from "./auth/index.js";
