import type { Interaction } from "../api/types.js";
import { type DateWindow, inWindow } from "../time-filter.js";

/** Which Interactions a `list`/`purge` run is about; every filter is applied client-side (the API has none). */
export interface Selection {
  sessionSids: string[];
  allSessions: boolean;
  sessionStatuses: string[] | null;
  types: string[] | null;
  window: DateWindow;
  limit: number | null;
  pageSize: number;
}

export function matches(interaction: Interaction, selection: Selection): boolean {
  if (selection.types && !selection.types.includes(interaction.type ?? "unknown")) return false;
  return inWindow(interaction.date_created, selection.window);
}
