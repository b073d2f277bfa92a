package dev.tunnelhelper.bench.harness;

import java.io.PrintStream;
import java.util.List;

/** The table as Markdown (it goes into docs/performance.md as printed), then the details. */
final class Table {
    private Table() {}

    static void print(List<Row> rows, PrintStream out) {
        out.println("| row | baseline (same run) | measured | ratio | target | result |");
        out.println("|---|---|---|---|---|---|");
        for (Row r : rows) {
            out.println("| " + String.join(" | ", r.id().what, r.baseline(), r.measured(), r.ratio(), r.id().target,
                    r.verdict().text) + " |");
        }
        out.println();
        for (Row r : rows) {
            out.println(r.id().id + ":");
            r.details().forEach(d -> out.println("  " + d));
        }
    }
}
