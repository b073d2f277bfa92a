package dev.tunnelhelper.launchd.macos;

import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import java.nio.file.Path;

/**
 * Where launchd finds the daemon's executable: an absolute {@code Program} (legacy
 * {@code /Library/LaunchDaemons}) or a {@code BundleProgram} relative to the app bundle, which is
 * what {@code SMAppService.daemon(plistName:)} expects so the daemon moves with the app.
 */
public sealed interface DaemonProgram {

    /** The plist key this program is written under. */
    String plistKey();

    /** The string stored under {@link #plistKey()}, also used as argv[0]. */
    String path();

    static DaemonProgram absolute(String path) {
        return new Absolute(path);
    }

    static DaemonProgram inBundle(String relativePath) {
        return new InBundle(relativePath);
    }

    record Absolute(String path) implements DaemonProgram {
        public Absolute {
            if (path == null || !path.startsWith("/")) {
                throw new InvalidServiceDefinitionException(
                        "Program must be an absolute path (launchd does not search PATH), got " + path);
            }
            if (!Path.of(path).normalize().toString().equals(path)) {
                throw new InvalidServiceDefinitionException("Program must be a normalized path, got " + path);
            }
        }

        @Override
        public String plistKey() {
            return "Program";
        }
    }

    record InBundle(String path) implements DaemonProgram {
        public InBundle {
            if (path == null || path.isEmpty() || path.startsWith("/")) {
                throw new InvalidServiceDefinitionException(
                        "BundleProgram must be relative to the app bundle (e.g. Contents/MacOS/tunnel-helper), got "
                                + path);
            }
            Path normalized = Path.of(path).normalize();
            if (normalized.startsWith("..") || !normalized.toString().equals(path)) {
                throw new InvalidServiceDefinitionException(
                        "BundleProgram must stay inside the bundle and be normalized, got " + path);
            }
        }

        @Override
        public String plistKey() {
            return "BundleProgram";
        }
    }
}
