package dev.tunnelhelper.helper.binary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in tunnel binary: a shell script that answers the version probe and appends a line to
 * a counter file each time it is probed, so tests can see whether the probe ran.
 */
final class FakeTunnel {

    private FakeTunnel() {}

    /** A script reporting {@code version}; {@code paddingBytes} of comment lines make it as large as needed. */
    static byte[] script(String version, Path probeCounter, int paddingBytes) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("if [ \"$1\" = version ]; then\n");
        s.append("  echo probe >> '").append(probeCounter).append("'\n");
        s.append("  echo '{\"version\":\"").append(version).append("\"}'\n");
        s.append("fi\n");
        String line = "# padding " + "x".repeat(88) + "\n";
        while (s.length() < paddingBytes) {
            s.append(line);
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] script(String version, Path probeCounter) {
        return script(version, probeCounter, 0);
    }

    /** How many times a script writing to {@code counter} was probed. */
    static long probes(Path counter) throws IOException {
        return Files.exists(counter) ? Files.readAllLines(counter).size() : 0;
    }
}
