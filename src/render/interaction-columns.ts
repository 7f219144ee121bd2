import { INTERACTION_FIELDS, type Interaction } from "../api/types.js";
import { type Column, fieldColumn } from "./columns.js";

/** "Message delivered", "Call in-progress", or empty for a missing leg. */
function leg(type: string | null, status: string | null): string {
  return [type, status].filter(Boolean).join(" ");
}

/**
 * Every Interaction field, plus `inbound`/`outbound` (resource type and status). `data` holds message
 * bodies — personal data — so it is never a default column.
 */
export const INTERACTION_COLUMNS: Record<string, Column<Interaction>> = {
  ...Object.fromEntries(INTERACTION_FIELDS.map((name) => [name, fieldColumn<Interaction>(name)])),
  inbound: { name: "inbound", value: (i) => leg(i.inbound_resource_type, i.inbound_resource_status) },
  outbound: { name: "outbound", value: (i) => leg(i.outbound_resource_type, i.outbound_resource_status) },
};

export const DEFAULT_INTERACTION_COLUMNS = ["sid", "type", "date_created", "inbound", "outbound"] as const;
