package dev.tunnelhelper.launchd.install;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What an install/uninstall did, in the order it happened, for the operator to read. Warnings go
 * to stderr so a script capturing stdout still sees them, and the exit code stays 0.
 */
public final class Report {
    private record Line(boolean warning, String text) {}

    private final List<Line> lines = new ArrayList<>();

    public Report info(String line) {
        lines.add(new Line(false, line));
        return this;
    }

    public Report warn(String line) {
        lines.add(new Line(true, "warning: " + line));
        return this;
    }

    public List<String> lines() {
        return lines.stream().map(Line::text).toList();
    }

    public List<String> warnings() {
        return lines.stream().filter(Line::warning).map(Line::text).toList();
    }

    public void printTo(PrintWriter out, PrintWriter err) {
        for (Line line : lines) {
            (line.warning() ? err : out).println(line.text());
        }
        out.flush();
        err.flush();
    }
}
