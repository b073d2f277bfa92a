package dev.tunnelhelper.launchd.systemd;

import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The helper's systemd service unit, rendered from a commented template shipped as a resource. */
public final class SystemdUnit {
    public static final String UNIT_NAME = "tunnel-helper.service";
    public static final String UNIT_PATH = "/etc/systemd/system/" + UNIT_NAME;
    public static final String DEFAULT_CONFIG = "/etc/tunnel-helper/helper.json";
    /** Where the runtime image built by {@code -Pruntime} is meant to be unpacked. */
    public static final String DEFAULT_PROGRAM = "/opt/tunnel-helper/bin/tunnel-helper";

    public static final String STATE_DIR = "/var/lib/tunnel-helper";
    public static final String LOGS_DIR = "/var/log/tunnel-helper";
    public static final String RUNTIME_DIR = "/run/tunnel-helper";

    /** {@code notify} needs the daemon to call {@link SystemdNotify#ready()} once it listens. */
    public enum Type {
        NOTIFY,
        SIMPLE;

        String directive() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String program;
    private final String configPath;
    private final Type type;

    public SystemdUnit(String program, String configPath, Type type) {
        this.program = requireAbsolute("program", program);
        this.configPath = requireAbsolute("config path", configPath);
        this.type = type;
    }

    public String render() {
        String template = template();
        String execStart = quote(program) + " run --config " + quote(configPath);
        return template.replace("@TYPE@", type.directive())
                // Only the main process may report readiness; forked helpers (the tunnel) must not.
                .replace("@NOTIFY_ACCESS@", type == Type.NOTIFY ? "NotifyAccess=main\n" : "")
                .replace("@EXEC_START@", execStart);
    }

    public byte[] renderBytes() {
        return render().getBytes(StandardCharsets.UTF_8);
    }

    private static String requireAbsolute(String what, String path) {
        if (path == null || !path.startsWith("/")) {
            throw new InvalidServiceDefinitionException(what + " must be an absolute path, got " + path);
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == '"' || c == '\\' || c == '%' || c == '$')) {
            // These would need systemd escaping or specifier/variable quoting; no sane install path has them.
            throw new InvalidServiceDefinitionException(what + " contains characters not allowed in a unit: " + path);
        }
        return path;
    }

    private static String quote(String path) {
        return path.indexOf(' ') >= 0 ? "\"" + path + "\"" : path;
    }

    private static String template() {
        try (InputStream in = SystemdUnit.class.getResourceAsStream("tunnel-helper.service.in")) {
            if (in == null) {
                throw new IllegalStateException("unit template missing from the launchd jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
