package dev.tunnelhelper.bench.harness;

import java.util.List;

/** Reading the C programs' "key value" output lines. */
final class Output {
    private Output() {}

    static long value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + " ")).map(l -> Long.parseLong(l.substring(key.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new MeasurementException("no \"" + key + "\" in " + lines));
    }

    static String text(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + " ")).map(l -> l.substring(key.length() + 1).trim())
                .findFirst().orElseThrow(() -> new MeasurementException("no \"" + key + "\" in " + lines));
    }
}
