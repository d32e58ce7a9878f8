/** Compute instances (base path /20160918): ListInstances over a fixed, seeded list. */
import { json } from "../routes.js";
import type { Router } from "../routes.js";
import { EMULATOR_COMPARTMENT_ID, SEEDED_INSTANCE_COUNT } from "../state.js";
import { paginate, requireQuery } from "./common.js";

/** The fields of core's `Instance` that the emulator fills in. */
export interface Instance {
  readonly id: string;
  readonly compartmentId: string;
  readonly displayName: string;
  readonly availabilityDomain: string;
  readonly faultDomain: string;
  readonly region: string;
  readonly shape: string;
  readonly imageId: string;
  readonly launchMode: "PARAVIRTUALIZED";
  readonly lifecycleState: "RUNNING" | "STOPPED";
  readonly timeCreated: string;
  readonly metadata: Record<string, string>;
  readonly extendedMetadata: Record<string, unknown>;
  readonly freeformTags: Record<string, string>;
  readonly definedTags: Record<string, unknown>;
}

const MAX_LIMIT = 100;
const SEED_EPOCH = Date.UTC(2024, 0, 15, 9, 0, 0);

/** Deterministic instances: `instance-01` … with fixed OCIDs, every fifth one STOPPED. */
export function seedInstances(count = SEEDED_INSTANCE_COUNT, compartmentId = EMULATOR_COMPARTMENT_ID): Instance[] {
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(2, "0");
    return {
      id: `ocid1.instance.oc1.iad.aaaaaaaaemulatorinstance${number.padStart(6, "0")}`,
      compartmentId,
      displayName: `instance-${number}`,
      availabilityDomain: `Uocm:US-ASHBURN-AD-${(index % 3) + 1}`,
      faultDomain: `FAULT-DOMAIN-${(index % 3) + 1}`,
      region: "iad", // OCI answers the short code for us-ashburn-1 and us-phoenix-1
      shape: index % 2 === 0 ? "VM.Standard.E4.Flex" : "VM.Standard3.Flex",
      imageId: "ocid1.image.oc1.iad.aaaaaaaaemulatorimage000000",
      launchMode: "PARAVIRTUALIZED",
      lifecycleState: (index + 1) % 5 === 0 ? "STOPPED" : "RUNNING",
      timeCreated: new Date(SEED_EPOCH + index * 60_000).toISOString(),
      metadata: {},
      extendedMetadata: {},
      freeformTags: {},
      definedTags: {},
    };
  });
}

export function mountCompute(router: Router): void {
  const instances = seedInstances();
  router.add("GET", "/20160918/instances/", (request) => {
    const compartmentId = requireQuery(request.url, "compartmentId");
    const displayName = request.url.searchParams.get("displayName");
    const lifecycleState = request.url.searchParams.get("lifecycleState");
    const matching = instances.filter(
      (instance) =>
        instance.compartmentId === compartmentId &&
        (displayName === null || instance.displayName === displayName) &&
        (lifecycleState === null || instance.lifecycleState === lifecycleState),
    );
    const scope = `instances:${compartmentId}:${displayName ?? ""}:${lifecycleState ?? ""}`;
    const { page, headers } = paginate(request.url, scope, matching, MAX_LIMIT);
    return json(200, page, headers);
  });
}
