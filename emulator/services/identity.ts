/** Identity users (base path /20160918): CreateUser, ListUsers, GetUser, UpdateUser, DeleteUser. */
import { createHash } from "node:crypto";
import { EmulatorHttpError, notFound } from "../errors.js";
import { randomOcid } from "../keys.js";
import { empty, json } from "../routes.js";
import type { EmulatorRequest, Router } from "../routes.js";
import { asObject, etagOf, optionalString, optionalTags, paginate, requiredString, requireQuery } from "./common.js";

/**
 * The shape of identity's `User` (the fields the emulator keeps), with unset optional fields
 * as `null`, as the service writes them (../shared/oci-recorded: CreateUser, GetUser).
 */
export interface User {
  readonly id: string;
  readonly compartmentId: string;
  readonly name: string;
  readonly description: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly identityProviderId: string | null;
  readonly externalIdentifier: string | null;
  readonly timeCreated: string;
  readonly lifecycleState: "ACTIVE";
  readonly isMfaActivated: boolean;
  readonly freeformTags: Record<string, unknown>;
  readonly definedTags: Record<string, unknown>;
}

const BASE = "/20160918/users";
const MAX_LIMIT = 1000;

function checkIfMatch(request: EmulatorRequest, user: User): void {
  const ifMatch = request.headers["if-match"];
  if (typeof ifMatch === "string" && ifMatch !== etagOf(user)) {
    throw new EmulatorHttpError(412, "NoEtagMatch", "The resource's etag does not match the if-match header.");
  }
}

export function mountIdentity(router: Router): void {
  const users = new Map<string, User>();
  const retryTokens = new Map<string, { readonly bodyHash: string; readonly userId: string }>();

  const found = (id: string | undefined): User => {
    const user = id === undefined ? undefined : users.get(id);
    if (user === undefined) throw notFound(`The user ${id ?? ""}`);
    return user;
  };
  const answer = (status: number, user: User) => json(status, user, { etag: etagOf(user) });

  router.add("POST", `${BASE}/`, (request) => {
    const retryToken = request.headers["opc-retry-token"];
    const bodyHash = createHash("sha256").update(request.body).digest("hex");
    if (typeof retryToken === "string") {
      const earlier = retryTokens.get(retryToken);
      if (earlier !== undefined) {
        const user = users.get(earlier.userId);
        if (earlier.bodyHash !== bodyHash || user === undefined) {
          throw new EmulatorHttpError(409, "InvalidatedRetryToken", "The opc-retry-token was used by an earlier request with other parameters, or what it created is gone.");
        }
        return answer(200, user);
      }
    }
    const details = asObject(request.json(), "CreateUserDetails");
    const name = requiredString(details, "name");
    const compartmentId = requiredString(details, "compartmentId");
    const description = requiredString(details, "description");
    const email = optionalString(details, "email");
    for (const existing of users.values()) {
      if (existing.name === name) {
        throw new EmulatorHttpError(409, "NotAuthorizedOrResourceAlreadyExists", `A user named '${name}' already exists.`);
      }
    }
    const user: User = {
      id: randomOcid("user"),
      compartmentId,
      name,
      description,
      email: email ?? null,
      emailVerified: false,
      identityProviderId: null,
      externalIdentifier: null,
      timeCreated: request.now.toISOString(),
      lifecycleState: "ACTIVE",
      isMfaActivated: false,
      freeformTags: optionalTags(details, "freeformTags"),
      definedTags: optionalTags(details, "definedTags"),
    };
    users.set(user.id, user);
    if (typeof retryToken === "string") retryTokens.set(retryToken, { bodyHash, userId: user.id });
    return answer(200, user);
  });

  router.add("GET", `${BASE}/`, (request) => {
    const compartmentId = requireQuery(request.url, "compartmentId");
    const name = request.url.searchParams.get("name");
    const matching = [...users.values()].filter(
      (user) => user.compartmentId === compartmentId && (name === null || user.name === name),
    );
    const { page, headers } = paginate(request.url, `users:${compartmentId}:${name ?? ""}`, matching, MAX_LIMIT);
    return json(200, page, headers);
  });

  router.add("GET", `${BASE}/{userId}`, (request) => answer(200, found(request.params["userId"])));

  router.add("PUT", `${BASE}/{userId}`, (request) => {
    const user = found(request.params["userId"]);
    checkIfMatch(request, user);
    const details = asObject(request.json(), "UpdateUserDetails");
    const description = optionalString(details, "description");
    const email = optionalString(details, "email");
    const updated: User = {
      ...user,
      ...(description === undefined ? {} : { description }),
      ...(email === undefined ? {} : { email }),
      ...(details["freeformTags"] === undefined ? {} : { freeformTags: optionalTags(details, "freeformTags") }),
      ...(details["definedTags"] === undefined ? {} : { definedTags: optionalTags(details, "definedTags") }),
    };
    users.set(user.id, updated);
    return answer(200, updated);
  });

  router.add("DELETE", `${BASE}/{userId}`, (request) => {
    const user = found(request.params["userId"]);
    checkIfMatch(request, user);
    users.delete(user.id);
    return empty(204);
  });
}
