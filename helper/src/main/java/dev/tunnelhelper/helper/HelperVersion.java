package dev.tunnelhelper.helper;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The helper's version, stamped into the jar by the build. */
public final class HelperVersion {
    private static final String VERSION = load();

    private HelperVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = HelperVersion.class.getResourceAsStream("/tunnel-helper-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
