import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SidSet } from "../../src/audit/sid-set.js";

const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const sid = fc.tuple(fc.constantFrom("SM", "MM", "CA"), hex32).map(([prefix, digits]) => prefix + digits);

describe("SidSet", () => {
  it("answers as a Set of the same SIDs would, through growth", () => {
    fc.assert(
      fc.property(fc.array(sid, { maxLength: 3000 }), fc.array(sid, { maxLength: 200 }), (added, probes) => {
        const set = new SidSet();
        for (const s of added) set.add(s);
        const reference = new Set(added);
        expect(set.size).toBe(reference.size);
        for (const s of [...added, ...probes]) expect(set.has(s)).toBe(reference.has(s));
      }),
      { numRuns: 30 },
    );
  });

  it("keeps SIDs apart that differ only in their prefix, their case or their last digit", () => {
    const set = new SidSet();
    const zero = "0".repeat(32);
    set.add(`SM${zero}`);
    set.add(`SM${"0".repeat(31)}1`);
    for (let i = 0; i < 5000; i++) set.add(`CA${i.toString(16).padStart(32, "0")}`);
    expect(set.has(`SM${zero}`)).toBe(true);
    expect(set.has(`CA${zero}`)).toBe(true);
    expect(set.has(`MM${zero}`)).toBe(false);
    expect(set.has(`SM${"0".repeat(31)}2`)).toBe(false);
    expect(set.has(`CA${"0".repeat(28)}1387`)).toBe(true);
    expect(set.has(`CA${"0".repeat(28)}1388`)).toBe(false);
    set.add(`SM${"ab".repeat(16)}`);
    expect(set.has(`SM${"AB".repeat(16)}`)).toBe(true);
    expect(set.size).toBe(5003);
  });

  it("ignores what is not a SID, and never matches it", () => {
    const set = new SidSet();
    for (const junk of [
      "",
      "SM",
      "SMxyz",
      `sm${"a".repeat(32)}`,
      `SM${"a".repeat(33)}`,
      `IM${"a".repeat(31)}`,
    ]) {
      set.add(junk);
      expect(set.has(junk)).toBe(false);
    }
    expect(set.size).toBe(0);
  });
});
