import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chooseColumns } from "../../src/commands/output-options.js";
import { UsageError } from "../../src/errors.js";
import { cell } from "../../src/render/columns.js";
import { DEFAULT_INTERACTION_COLUMNS, INTERACTION_COLUMNS } from "../../src/render/interaction-columns.js";

const names = Object.keys(INTERACTION_COLUMNS);

describe("--columns", () => {
  it("accepts any non-empty list of known columns, in the order given", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 8 }), (chosen) => {
        const columns = chooseColumns(
          { columns: chosen.join(",") },
          INTERACTION_COLUMNS,
          DEFAULT_INTERACTION_COLUMNS,
        );
        expect(columns.map((column) => column.name)).toEqual(chosen);
      }),
    );
  });

  it("rejects any list with an unknown name, naming it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...names), { maxLength: 4 }),
        fc.stringMatching(/^[a-z_]{1,12}$/).filter((name) => !names.includes(name)),
        (known, unknown) => {
          expect(() =>
            chooseColumns(
              { columns: [...known, unknown].join(",") },
              INTERACTION_COLUMNS,
              DEFAULT_INTERACTION_COLUMNS,
            ),
          ).toThrow(
            new UsageError(`--columns: unknown column '${unknown}'; choose from ${names.join(", ")}`),
          );
        },
      ),
    );
  });

  it("defaults to columns without data (message bodies)", () => {
    const columns = chooseColumns({}, INTERACTION_COLUMNS, DEFAULT_INTERACTION_COLUMNS);
    expect(columns.map((column) => column.name)).toEqual([
      "sid",
      "type",
      "date_created",
      "inbound",
      "outbound",
    ]);
  });

  it("a cell never contains a tab or newline, so TSV stays one line per record", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(cell(value)).not.toMatch(/[\t\r\n]/);
      }),
    );
  });
});
