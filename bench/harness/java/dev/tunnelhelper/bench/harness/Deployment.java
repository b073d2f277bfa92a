package dev.tunnelhelper.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A testbed deployment (docs/testbed.md) serving one binary, signed by its own key, over HTTP. */
final class Deployment {
    final String url;
    final String binaryUrl;
    final Path publicKey;
    final String sha256;
    final long size;

    private Deployment(String url, String binaryPath, Path publicKey, String sha256, long size) {
        this.url = url;
        this.binaryUrl = url + binaryPath;
        this.publicKey = publicKey;
        this.sha256 = sha256;
        this.size = size;
    }

    static Deployment start(Work work, String name, Path binary) {
        Path dir = work.fresh(name);
        Proc p = Proc.start(work, name, List.of(work.launcher("testbed").toString(), "deployment", "--listen", "127.0.0.1:0",
                "--dir", dir.toString(), "--binary-file", binary.toString(), "--version", Work.VERSION), false);
        Path manifest = dir.resolve("deployment.json"); // written atomically once it listens
        p.awaitFile(manifest, Duration.ofMinutes(3));
        try {
            String json = Files.readString(manifest);
            return new Deployment(field(json, "url"), field(json, "binary_path"), Path.of(field(json, "public_key")),
                    field(json, "binary_sha256"), Long.parseLong(number(json, "binary_size")));
        } catch (IOException e) {
            throw new MeasurementException("cannot read " + manifest + ": " + e.getMessage());
        }
    }

    // deployment.json is a flat object of strings and numbers (docs/testbed.md); these two
    // patterns are all the JSON the suite reads, so it needs no library on its classpath.
    private static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new MeasurementException("deployment.json has no \"" + key + "\": " + json);
        }
        return m.group(1);
    }

    private static String number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(\\d+)").matcher(json);
        if (!m.find()) {
            throw new MeasurementException("deployment.json has no \"" + key + "\": " + json);
        }
        return m.group(1);
    }
}
