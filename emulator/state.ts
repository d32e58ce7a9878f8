/** Fixed identifiers of the emulator's world, exported so tests and demos can refer to them. */

/** The Object Storage namespace `GET /n/` answers. */
export const EMULATOR_NAMESPACE = "emulatorns";

/** The compartment holding the seeded compute instances. */
export const EMULATOR_COMPARTMENT_ID = "ocid1.compartment.oc1..aaaaaaaaemulatorcompartment000000000000000000000000000000";

/** How many instances are seeded in `EMULATOR_COMPARTMENT_ID`. */
export const SEEDED_INSTANCE_COUNT = 25;

/** The region seeded resources claim to live in. */
export const EMULATOR_REGION = "us-ashburn-1";
