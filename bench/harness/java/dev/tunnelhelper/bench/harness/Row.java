package dev.tunnelhelper.bench.harness;

import java.util.List;

/** One line of the table, plus the per-run figures it was computed from. */
record Row(RowId id, String baseline, String measured, String ratio, Verdict verdict, List<String> details) {
    enum Verdict {
        PASS("pass"), FAIL("FAIL"), ERROR("not measured");

        final String text;

        Verdict(String text) {
            this.text = text;
        }

        static Verdict of(boolean pass) {
            return pass ? PASS : FAIL;
        }
    }

    static Row error(RowId id, String why) {
        return new Row(id, "—", "—", "—", Verdict.ERROR, List.of(why));
    }
}
