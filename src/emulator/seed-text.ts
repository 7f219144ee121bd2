/** Plausible, PII-free text for seeded data: what a courier and a customer say through a masked number. */

export const MESSAGE_BODIES = [
  "On my way, about 5 minutes out",
  "I'm at the front door",
  "Can you call me when you arrive?",
  "Running a bit late, sorry!",
  "Left the package with the concierge",
  "Which entrance should I use?",
  "Thanks, see you soon",
  "Is the order ready for pickup?",
  "The gate code is 4321",
  "I'm in the blue car outside",
  "Could you leave it by the side door?",
  "No problem, take your time",
  "Traffic is heavy, ETA 15 min",
  "Order picked up, heading your way",
  "I can't find the building, which floor?",
  "Ring the bell twice please",
  "Great, thank you!",
  "Your driver has arrived",
  "Please confirm the delivery address",
  "Sorry, wrong number",
  "Can we reschedule for tomorrow?",
  "Yes, 3pm works",
  "Is parking available nearby?",
  "All done, have a nice day",
] as const;

export const MEDIA_BODIES = [
  "Here's a photo of the drop-off spot",
  "Photo of the receipt attached",
  "This is the door I meant",
  "Picture of the damaged box",
] as const;

/** Roles, not names: Proxy's docs ask that friendly names carry no PII. */
export const PARTICIPANT_ROLES = ["customer", "courier"] as const;

/** US area codes; the 555-01xx/555-02xx ranges are reserved for fiction, so no real subscriber is shown. */
export const AREA_CODES = ["212", "312", "415", "503", "646", "702", "737", "919"] as const;

export const SESSION_CLOSED_REASONS: Readonly<Record<string, string | null>> = {
  open: null,
  "in-progress": null,
  closed: "Session closed by the application",
  failed: "Participant could not be reached",
};
