// Minimal typings for the parts of swagger2openapi the generator uses (the package ships none).
declare module "swagger2openapi" {
  interface ConvertOptions {
    patch?: boolean;
    warnOnly?: boolean;
    anchors?: boolean;
    resolveInternal?: boolean;
    text?: string;
  }
  interface ConvertResult {
    openapi: unknown;
  }
  const swagger2openapi: {
    convertObj(swagger: unknown, options: ConvertOptions): Promise<ConvertResult>;
  };
  export default swagger2openapi;
}
