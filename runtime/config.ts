/**
 * `~/.oci/config` reading: INI as Python's configparser reads it (the OCI CLI and Python SDK
 * use it), `[DEFAULT]` inherited by every profile, file and profile chosen the SDKs' way.
 * Errors name the file, profile and line and say what to do; they never show a value that
 * could be a secret.
 */
import { readFileSync } from "node:fs";
import type { KeyObject } from "node:crypto";
import { ConfigError, KeyError } from "./errors.js";
import { isMissingFile, warnIfTooOpen, whyUnreadable } from "./files.js";
import { expandHome, loadPrivateKey } from "./keys.js";
import { isEmulatorRegion } from "./regions.js";
import { ApiKeySigner, limitToEmulator } from "./signers.js";

export const DEFAULT_CONFIG_FILE = "~/.oci/config";
export const DEFAULT_PROFILE = "DEFAULT";

/** Where a key's value came from. */
export interface ConfigKeyLocation {
  /** 1-based line in the config file. */
  readonly line: number;
  /** The section it was set in: the profile itself or `DEFAULT`. */
  readonly section: string;
}

/**
 * One profile of a config file, `[DEFAULT]` merged in, with the OCI CLI's `OCI_CLI_*` variables
 * over it (see `CONFIG_ENV_VARS`). When the variables alone make an API-key configuration
 * (the CLI's `is_config_valid_from_env`), no file is read: `source` is `"environment"` and
 * `file` undefined. Secrets (`passPhrase`, `keyContent`, and `pass_phrase`, `key_content` in
 * `values`) are non-enumerable: read by name, they never show in `util.inspect` or JSON.
 */
export interface OciConfig {
  /** The config file read (`~` expanded); undefined when the environment alone configured it. */
  readonly file: string | undefined;
  /** Where the profile came from: a config file (with any `OCI_CLI_*` overrides) or the environment alone. */
  readonly source: "file" | "environment";
  readonly profile: string;
  /** The line of the profile's `[name]` header (0 when no file was read). */
  readonly profileLine: number;
  readonly user: string | undefined;
  readonly fingerprint: string | undefined;
  /** `~` expanded. */
  readonly keyFile: string | undefined;
  readonly tenancy: string | undefined;
  readonly region: string | undefined;
  readonly passPhrase: string | undefined;
  /** `~` expanded. */
  readonly securityTokenFile: string | undefined;
  /** The PEM text of the key (`key_content`, e.g. from `OCI_CLI_KEY_CONTENT`); beats `keyFile`, as in the SDKs. */
  readonly keyContent: string | undefined;
  /** `~` expanded: the delegation token file of `instance_obo_user`. */
  readonly delegationTokenFile: string | undefined;
  /** Every key of the profile (DEFAULT's included), names lower-case, values as written. */
  readonly values: Readonly<Record<string, string>>;
  /** Where each key of `values` was set in the file (keys set by a variable are in `fromEnvironment` instead). */
  readonly locations: Readonly<Record<string, ConfigKeyLocation>>;
  /** Keys set by an `OCI_CLI_*` variable (or the `region` option), config key → its source, e.g. `{ user: "OCI_CLI_USER" }`. */
  readonly fromEnvironment: Readonly<Record<string, string>>;
}

export interface LoadConfigOptions {
  /** The config file; beats `OCI_CLI_CONFIG_FILE`, `OCI_CONFIG_FILE` and `~/.oci/config`. */
  file?: string | undefined;
  /** The profile; beats `OCI_CLI_PROFILE`; default `DEFAULT`. */
  profile?: string | undefined;
  /** Environment to read the variables from (default `process.env`; when given, `process.env` is never read). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The region (the CLI's `--region`): beats `OCI_CLI_REGION` and the profile, and counts for the environment-only rule. */
  region?: string | undefined;
  /**
   * Called with a warning that needs no action to keep working (a config file others can read,
   * once per file and process); default `process.emitWarning` with code `OCI_RAW_CONFIG_WARNING`.
   */
  onWarning?: ((message: string) => void) | undefined;
}

/** The well-known keys, as `OciConfig` field → config-file key. */
const KNOWN_KEYS = {
  user: "user",
  fingerprint: "fingerprint",
  keyFile: "key_file",
  tenancy: "tenancy",
  region: "region",
  passPhrase: "pass_phrase",
  securityTokenFile: "security_token_file",
} as const;

/** A config-file key name, e.g. `key_file`. */
export type ConfigKey = (typeof KNOWN_KEYS)[keyof typeof KNOWN_KEYS] | (string & {});

/** What each key holds, for "add …" hints. */
const KEY_HINTS: Record<string, string> = {
  user: "user=ocid1.user.oc1..<your user OCID>",
  fingerprint: "fingerprint=<the API key's fingerprint, aa:bb:…>",
  key_file: "key_file=~/.oci/oci_api_key.pem",
  tenancy: "tenancy=ocid1.tenancy.oc1..<your tenancy OCID>",
  region: "region=us-phoenix-1",
  security_token_file: "security_token_file=~/.oci/sessions/<profile>/token",
  delegation_token_file: "delegation_token_file=<path of the delegation token>",
};

/**
 * The OCI CLI's variables for config values, variable → config key (the CLI's
 * `cli_constants.OCI_CONFIG_ENV_VARS`, plus `OCI_CLI_REGION`, the default of its `--region`).
 * Each one set (non-empty) beats the profile's value.
 */
export const CONFIG_ENV_VARS: Readonly<Record<string, string>> = Object.freeze({
  OCI_CLI_USER: "user",
  OCI_CLI_FINGERPRINT: "fingerprint",
  OCI_CLI_KEY_FILE: "key_file",
  OCI_CLI_KEY_CONTENT: "key_content",
  OCI_CLI_TENANCY: "tenancy",
  OCI_CLI_PASSPHRASE: "pass_phrase",
  OCI_CLI_DELEGATION_TOKEN_FILE: "delegation_token_file",
  OCI_CLI_SECURITY_TOKEN_FILE: "security_token_file",
  OCI_CLI_REGION: "region",
});

/** Config keys whose values are secrets: non-enumerable wherever they are held. */
const SECRET_KEYS: ReadonlySet<string> = new Set(["pass_phrase", "key_content"]);

/** The variable that sets a config key. */
function variableOf(key: string): string | undefined {
  return Object.keys(CONFIG_ENV_VARS).find((name) => CONFIG_ENV_VARS[name] === key);
}

/**
 * The CLI's `is_config_valid_from_env`: OCI_CLI_USER, OCI_CLI_TENANCY, OCI_CLI_FINGERPRINT,
 * OCI_CLI_REGION (or the `region` option) and a key (OCI_CLI_KEY_FILE or OCI_CLI_KEY_CONTENT)
 * all set — then no config file is read. Empty values count as unset (the CLI counts them set).
 */
export function isConfigValidFromEnv(options: Pick<LoadConfigOptions, "env" | "region"> = {}): boolean {
  const env = options.env ?? process.env;
  const set = (name: string): boolean => (env[name] ?? "") !== "";
  return (
    set("OCI_CLI_USER") &&
    set("OCI_CLI_TENANCY") &&
    set("OCI_CLI_FINGERPRINT") &&
    (set("OCI_CLI_REGION") || (options.region ?? "") !== "") &&
    (set("OCI_CLI_KEY_FILE") || set("OCI_CLI_KEY_CONTENT"))
  );
}

/** Which file the precedence rules pick: argument > OCI_CLI_CONFIG_FILE > OCI_CONFIG_FILE > ~/.oci/config. */
export function configFilePath(options: LoadConfigOptions = {}): string {
  const env = options.env ?? process.env;
  const chosen = options.file || env["OCI_CLI_CONFIG_FILE"] || env["OCI_CONFIG_FILE"] || DEFAULT_CONFIG_FILE;
  return expandHome(chosen);
}

/** Which profile the precedence rules pick: argument > OCI_CLI_PROFILE > DEFAULT. */
export function configProfileName(options: LoadConfigOptions = {}): string {
  const env = options.env ?? process.env;
  return options.profile || env["OCI_CLI_PROFILE"] || DEFAULT_PROFILE;
}

interface ParsedSection {
  readonly name: string;
  readonly line: number;
  readonly values: Map<string, { value: string; line: number }>;
}

/**
 * Parse INI text the way Python's configparser (default settings) does: `[section]` headers,
 * `key = value` or `key: value` (first delimiter wins, key lower-cased, both sides trimmed),
 * full-line comments starting `#` or `;` (inline `#`/`;` are part of the value — configparser
 * has no inline comments by default, so `pass_phrase=a#b` keeps its `#`), indented lines
 * continue the previous value, and duplicate sections or keys are errors.
 */
export function parseIni(text: string, file: string): Map<string, ParsedSection> {
  const sections = new Map<string, ParsedSection>();
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  let current: ParsedSection | undefined;
  let lastKey: { section: ParsedSection; key: string; indent: number } | undefined;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const trimmed = raw.trim();
    if (trimmed === "") {
      lastKey = undefined;
      continue;
    }
    if (trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    const indent = raw.length - raw.trimStart().length;

    if (lastKey && indent > lastKey.indent) {
      const entry = lastKey.section.values.get(lastKey.key)!;
      entry.value = entry.value === "" ? trimmed : `${entry.value}\n${trimmed}`;
      continue;
    }

    const header = /^\[(.+)\]/.exec(trimmed);
    if (header) {
      const name = header[1]!;
      if (sections.has(name)) {
        throw new ConfigError(
          `Config file ${file} line ${lineNo}: profile [${name}] appears twice (first on line ${sections.get(name)!.line}). Merge the two sections into one.`,
          { file, profile: name, line: lineNo, code: "CONFIG_DUPLICATE_PROFILE" },
        );
      }
      current = { name, line: lineNo, values: new Map() };
      sections.set(name, current);
      lastKey = undefined;
      continue;
    }

    const option = splitOption(trimmed);
    if (!current) {
      throw new ConfigError(
        `Config file ${file} line ${lineNo}: a setting appears before any [profile] header. Start the file with [DEFAULT] (or another [PROFILE] line).`,
        { file, line: lineNo, code: "CONFIG_PARSE_ERROR" },
      );
    }
    if (!option || option.key === "") {
      throw new ConfigError(
        `Config file ${file} line ${lineNo} (profile [${current.name}]) is not "key=value", a [profile] header or a comment. Fix or remove that line.`,
        { file, profile: current.name, line: lineNo, code: "CONFIG_PARSE_ERROR" },
      );
    }
    const key = option.key.toLowerCase();
    const previous = current.values.get(key);
    if (previous) {
      throw new ConfigError(
        `Config file ${file} line ${lineNo}: ${key} is set twice in profile [${current.name}] (first on line ${previous.line}). Keep one.`,
        { file, profile: current.name, line: lineNo, key, code: "CONFIG_DUPLICATE_KEY" },
      );
    }
    current.values.set(key, { value: option.value, line: lineNo });
    lastKey = { section: current, key, indent };
  }
  return sections;
}

/**
 * `key = value` split at the first `=` or `:` (configparser's rule), spaces around it dropped.
 * By index, not by a regular expression: a lazy pattern backtracks quadratically over a long
 * run of spaces with no delimiter (seconds for a 60 000-character line).
 */
function splitOption(line: string): { key: string; value: string } | undefined {
  const equals = line.indexOf("=");
  const colon = line.indexOf(":");
  const at = equals === -1 ? colon : colon === -1 ? equals : Math.min(equals, colon);
  if (at === -1) return undefined;
  return { key: line.slice(0, at).trimEnd(), value: line.slice(at + 1).trimStart() };
}

function describeProfiles(names: string[]): string {
  return names.length === 0 ? "it has no profiles" : `its profiles: ${names.join(", ")}`;
}

/**
 * Read one profile of an OCI config file. `[DEFAULT]` values are inherited; `~` in
 * `key_file` and `security_token_file` expands to the home directory. Which keys a profile
 * needs depends on how it is used: see `requireKeys` and `signerFromConfig`.
 */
export function loadConfig(options: LoadConfigOptions = {}): OciConfig {
  const env = options.env ?? process.env;
  const profile = configProfileName({ ...options, env });
  if (isConfigValidFromEnv({ env, region: options.region })) {
    return buildConfig(undefined, profile, 0, {}, {}, env, options.region);
  }
  const file = configFilePath({ ...options, env });

  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    if (isMissingFile(cause)) {
      throw new ConfigError(
        `Config file ${file} does not exist. Create it (e.g. with "oci setup config"), or point to another one with --config-file / OCI_CLI_CONFIG_FILE / OCI_CONFIG_FILE` +
          ` — or configure through the environment alone: OCI_CLI_USER, OCI_CLI_TENANCY, OCI_CLI_FINGERPRINT, OCI_CLI_REGION and OCI_CLI_KEY_FILE (or OCI_CLI_KEY_CONTENT).`,
        { file, profile, code: "CONFIG_FILE_NOT_FOUND", cause },
      );
    }
    throw new ConfigError(
      `Config file ${file} ${whyUnreadable(cause)}. Check the path and its permissions.`,
      { file, profile, code: "CONFIG_FILE_UNREADABLE", cause },
    );
  }

  warnIfTooOpen(file, "the config file", options.onWarning ?? ((message) => process.emitWarning(message, { code: "OCI_RAW_CONFIG_WARNING" })));

  const sections = parseIni(text, file);
  const section = sections.get(profile);
  const defaults = sections.get(DEFAULT_PROFILE);
  if (!section) {
    const names = [...sections.keys()];
    const near = names.find((n) => n.toLowerCase() === profile.toLowerCase());
    throw new ConfigError(
      `Profile [${profile}] is not in config file ${file}; ${describeProfiles(names)}.` +
        (near ? ` Profile names are case-sensitive: did you mean ${near}?` : ` Pass one of them with --profile / OCI_CLI_PROFILE, or add [${profile}].`),
      { file, profile, code: "CONFIG_PROFILE_NOT_FOUND" },
    );
  }

  const values: Record<string, string> = {};
  const locations: Record<string, ConfigKeyLocation> = {};
  for (const source of section === defaults ? [section] : [defaults, section]) {
    if (!source) continue;
    for (const [key, entry] of source.values) {
      values[key] = entry.value;
      locations[key] = { line: entry.line, section: source.name };
    }
  }
  return buildConfig(file, profile, section.line, values, locations, env, options.region);
}

/** The profile's values with the variables (and the region option) over them, frozen, secrets hidden. */
function buildConfig(
  file: string | undefined,
  profile: string,
  profileLine: number,
  fileValues: Record<string, string>,
  locations: Record<string, ConfigKeyLocation>,
  env: Readonly<Record<string, string | undefined>>,
  region: string | undefined,
): OciConfig {
  const values: Record<string, string> = { ...fileValues };
  const fromEnvironment: Record<string, string> = {};
  for (const [name, key] of Object.entries(CONFIG_ENV_VARS)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    values[key] = value;
    fromEnvironment[key] = name;
    delete locations[key];
  }
  if (region !== undefined && region !== "") {
    values["region"] = region;
    fromEnvironment["region"] = "--region";
    delete locations["region"];
  }
  const pick = (key: string): string | undefined => (values[key] === undefined || values[key] === "" ? undefined : values[key]);
  const path = (key: string): string | undefined => {
    const value = pick(key);
    return value === undefined ? undefined : expandHome(value.trim());
  };
  const hiddenValues: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) defineValue(hiddenValues, key, value, !SECRET_KEYS.has(key));

  const config = {
    file,
    source: file === undefined ? "environment" : "file",
    profile,
    profileLine,
    user: pick(KNOWN_KEYS.user),
    fingerprint: pick(KNOWN_KEYS.fingerprint),
    keyFile: path(KNOWN_KEYS.keyFile),
    tenancy: pick(KNOWN_KEYS.tenancy),
    region: pick(KNOWN_KEYS.region),
    securityTokenFile: path(KNOWN_KEYS.securityTokenFile),
    delegationTokenFile: path("delegation_token_file"),
    values: Object.freeze(hiddenValues),
    locations: Object.freeze(locations),
    fromEnvironment: Object.freeze(fromEnvironment),
  } as Record<string, unknown>;
  defineValue(config, "passPhrase", pick(KNOWN_KEYS.passPhrase), false);
  defineValue(config, "keyContent", pick("key_content"), false);
  return Object.freeze(config) as unknown as OciConfig;
}

function defineValue(target: Record<string, unknown>, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(target, key, { value, enumerable, writable: false, configurable: false });
}

/** `profile [X] in /path/config`, or `the OCI_CLI_* variables (no config file read)`. */
function describeProfile(config: OciConfig): string {
  return config.file === undefined ? "the OCI_CLI_* environment variables (no config file read)" : `profile [${config.profile}] in ${config.file}`;
}

/** `profile [X] in /path/config` — for messages about a config value; a value set by a variable names it. */
export function describeConfigSource(config: OciConfig, key?: string): string {
  const variable = key === undefined ? undefined : config.fromEnvironment[key];
  if (variable !== undefined) return variable === "--region" ? "--region" : `environment variable ${variable}`;
  if (config.file === undefined) return `${key === undefined ? "" : `${key} of `}${describeProfile(config)}`;
  const at = key === undefined ? undefined : config.locations[key];
  const where = at
    ? ` (line ${at.line}${at.section !== config.profile ? `, inherited from [${at.section}]` : ""})`
    : "";
  return `${key === undefined ? "" : `${key}${where} of `}profile [${config.profile}] in ${config.file}`;
}

/**
 * Throw a ConfigError naming every key of `keys` the profile lacks (empty counts as missing),
 * with the file, the profile's line and what to add.
 */
export function requireKeys(config: OciConfig, keys: readonly ConfigKey[], purpose?: string): void {
  const missing = keys.filter((key) => config.values[key] === undefined || config.values[key] === "");
  if (missing.length === 0) return;
  const variables = missing.map(variableOf).filter((name) => name !== undefined);
  if (config.file === undefined) {
    throw new ConfigError(
      `The OCI_CLI_* environment variables (no config file was read) lack ${missing.join(", ")}${purpose ? `, needed ${purpose}` : ""}. ` +
        `Set ${variables.length > 0 ? variables.join(", ") : missing.join(", ")}.`,
      { profile: config.profile, key: missing[0]!, code: "CONFIG_KEY_MISSING" },
    );
  }
  const lineNote = ` (line ${config.profileLine})`;
  const hints = missing.map((key) => KEY_HINTS[key] ?? `${key}=…`).join(", ");
  throw new ConfigError(
    `Profile [${config.profile}]${lineNote} in ${config.file} lacks ${missing.join(", ")}` +
      `${purpose ? `, needed ${purpose}` : ""}. Add ${missing.length === 1 ? "the line" : "lines"} ${hints} to that profile (or to [DEFAULT])` +
      `${variables.length > 0 ? `, or set ${variables.join(", ")}` : ""}.`,
    { file: config.file, profile: config.profile, line: config.profileLine, key: missing[0]!, code: "CONFIG_KEY_MISSING" },
  );
}

export interface SignerFromConfigOptions {
  /** Called with warnings that need no action (e.g. a pass phrase the key does not need). */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * An API-key signer from a config profile (the Python SDK's `Signer.from_config`).
 * Key problems (missing file, public key, wrong pass phrase…) come back as KeyErrors that
 * name the profile and config file.
 */
export function signerFromConfig(config: OciConfig, options: SignerFromConfigOptions = {}): ApiKeySigner {
  if (config.user === undefined && config.securityTokenFile !== undefined) {
    throw new ConfigError(
      `Profile [${config.profile}] in ${config.file} is a session-token profile (security_token_file, no user): ` +
        `sign with the security token instead (--auth security_token), or add user and fingerprint for an API key.`,
      { ...(config.file === undefined ? {} : { file: config.file }), profile: config.profile, line: config.profileLine, key: "user", code: "CONFIG_KEY_MISSING" },
    );
  }
  requireKeys(config, config.keyContent !== undefined ? ["user", "fingerprint", "tenancy"] : ["user", "fingerprint", "key_file", "tenancy"], "to sign with an API key");
  // Load the key here, so its diagnostics name the profile and file; the signer then gets
  // the already-decrypted key and never sees the pass phrase again.
  const privateKey = config.keyContent !== undefined
    ? loadKeyContent(config, options)
    : loadPrivateKey(config.keyFile!, config.passPhrase, {
        onWarning: options.onWarning,
        source: describeConfigSource(config, "key_file"),
      });
  const signer = new ApiKeySigner({
    tenancy: config.tenancy!,
    user: config.user!,
    fingerprint: config.fingerprint!,
    privateKey,
  });
  // The emulator's config (region=oci-raw-emulator) signs only for the emulator.
  return isEmulatorRegion(config.region) ? limitToEmulator(signer, `The credentials of ${describeProfile(config)}`) : signer;
}

/**
 * `key_content` (OCI_CLI_KEY_CONTENT): PEM text, never a path. Like the OCI CLI (whose SDK hands
 * the text to `load_pem_private_key` as is), real line breaks are needed: a value holding the two
 * characters `\n` instead gets an error that says how to set it. Nothing of the value is quoted.
 */
function loadKeyContent(config: OciConfig, options: SignerFromConfigOptions): KeyObject {
  const content = config.keyContent!;
  const source = describeConfigSource(config, "key_content");
  if (!content.includes("-----BEGIN")) {
    throw new KeyError(
      `The private key in ${source} is not PEM text (no "-----BEGIN" line). key_content holds the key itself, header and footer lines included; for a path use ${config.fromEnvironment["key_content"] ? "OCI_CLI_KEY_FILE" : "key_file"}.`,
      { code: "KEY_NOT_PEM" },
    );
  }
  if (!/[\r\n]/.test(content.trim()) && content.includes("\\n")) {
    throw new KeyError(
      `The private key in ${source} has the two characters \\n where its line breaks should be; the OCI CLI does not accept that either. ` +
        `Set it with real line breaks, e.g. export OCI_CLI_KEY_CONTENT="$(cat ~/.oci/oci_api_key.pem)", or use OCI_CLI_KEY_FILE.`,
      { code: "KEY_CONTENT_ESCAPED_NEWLINES" },
    );
  }
  return loadPrivateKey(content, config.passPhrase, { onWarning: options.onWarning, source });
}
