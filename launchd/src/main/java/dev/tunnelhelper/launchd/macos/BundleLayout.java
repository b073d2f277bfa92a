package dev.tunnelhelper.launchd.macos;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import dev.tunnelhelper.launchd.DaemonJvmOptions;
import dev.tunnelhelper.launchd.install.ServiceFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays the helper out inside an app bundle, ready for the vendor to sign:
 * <pre>
 * Contents/MacOS/&lt;launcher&gt;                       execs the bundled java with the helper's classpath
 * Contents/runtime/Contents/Home/                    the Java runtime (e.g. a jlink image), exec bits kept
 * Contents/runtime/Contents/Info.plist               makes the runtime a nested bundle, signed and sealed as one
 * Contents/app/*.jar                                 the helper's jars (the runtime's app/ jars, then --jar)
 * Contents/Library/LaunchDaemons/&lt;label&gt;.plist     for SMAppService.daemon(plistName:)
 * </pre>
 * Nothing executable goes to {@code Contents/Resources}: that directory is sealed as resources of
 * the app's own signature, and code there breaks strict verification and notarization. The
 * runtime sits where jpackage puts it, as a bundle of its own. The bundle's Info.plist and the app
 * itself belong to the vendor and are left untouched.
 */
public final class BundleLayout {
    public static final String RUNTIME_BUNDLE = "Contents/runtime";
    public static final String JAVA_HOME = RUNTIME_BUNDLE + "/Contents/Home";
    public static final String JARS_DIR = "Contents/app";
    public static final String MAIN_CLASS = "dev.tunnelhelper.helper.HelperMain";

    private final Path bundle;
    private final String launcherName;

    public BundleLayout(Path bundle, String launcherName) {
        if (launcherName.contains("/") || launcherName.isEmpty()) {
            throw new IllegalArgumentException("launcher name must be a plain file name, got " + launcherName);
        }
        this.bundle = bundle;
        this.launcherName = launcherName;
    }

    /** The {@code BundleProgram} the plist must name for this layout. */
    public DaemonProgram bundleProgram() {
        return DaemonProgram.inBundle("Contents/MacOS/" + launcherName);
    }

    public List<Path> build(Path runtime, List<Path> jars, LaunchDaemonPlist plist) throws IOException {
        if (!Files.isExecutable(runtime.resolve("bin/java"))) {
            throw new IOException(runtime + " is not a Java runtime (no executable bin/java)");
        }
        if (!plist.program().equals(bundleProgram())) {
            throw new IllegalArgumentException(
                    "the plist's program " + plist.program().path() + " does not match the launcher "
                            + bundleProgram().path());
        }
        List<Path> written = new ArrayList<>();
        ServiceFiles files = new ServiceFiles(false);
        Path runtimeBundle = bundle.resolve(RUNTIME_BUNDLE);
        files.deleteTree(runtimeBundle);
        Path javaHome = bundle.resolve(JAVA_HOME);
        // A -Pruntime image carries the helper's jars in app/: they are data, so they go to Contents/app.
        copyTree(runtime, javaHome, runtime.resolve("app"));
        files.writeIfChanged(
                runtimeBundle.resolve("Contents/Info.plist"),
                runtimeInfoPlist(plist.settings().bundleId()));
        written.add(runtimeBundle);
        Path appDir = bundle.resolve(JARS_DIR);
        files.deleteTree(appDir);
        Files.createDirectories(appDir);
        List<Path> allJars = new ArrayList<>();
        if (Files.isDirectory(runtime.resolve("app"))) {
            try (var inImage = Files.list(runtime.resolve("app"))) {
                inImage.filter(p -> p.getFileName().toString().endsWith(".jar"))
                        .sorted()
                        .forEach(allJars::add);
            }
        }
        allJars.addAll(jars);
        for (Path jar : allJars) {
            Path target = appDir.resolve(jar.getFileName());
            Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
            written.add(target);
        }
        Path launcher = bundle.resolve("Contents/MacOS").resolve(launcherName);
        Files.createDirectories(launcher.getParent());
        Files.writeString(launcher, launcherScript(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        written.add(launcher);
        Path plistFile = bundle.resolve("Contents/Library/LaunchDaemons").resolve(plist.fileName());
        new ServiceFiles(false).writeIfChanged(plistFile, plist.toXmlBytes());
        written.add(plistFile);
        return written;
    }

    /**
     * exec replaces the shell, so the daemon process launchd tracks — and whose code signature the
     * app and extension check — is the bundled, vendor-signed java binary, not /bin/sh. The JVM
     * gets the daemon's options, as from every other launcher of the helper ({@link DaemonJvmOptions}).
     */
    static String launcherScript() {
        return """
                #!/bin/sh
                # Generated by `tunnel-helper bundle`. Resolves the bundle from its own location so the
                # app can be moved; launchd starts it through BundleProgram.
                contents=$(cd "$(dirname "$0")/.." && pwd -P)
                exec "$contents/runtime/Contents/Home/bin/java" %s ${TUNNEL_HELPER_JAVA_OPTS:-} -cp "$contents/app/*" %s "$@"
                """.formatted(String.join(" ", DaemonJvmOptions.get()), MAIN_CLASS);
    }

    /** The runtime's own Info.plist, as jpackage writes one: codesign then signs the runtime as a bundle. */
    static byte[] runtimeInfoPlist(String bundleId) {
        NSDictionary info = new NSDictionary();
        info.put("CFBundleIdentifier", new NSString(bundleId + ".runtime"));
        info.put("CFBundleInfoDictionaryVersion", new NSString("6.0"));
        info.put("CFBundleName", new NSString("Java runtime"));
        info.put("CFBundlePackageType", new NSString("BNDL"));
        return info.toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
    }

    /** Copies {@code source} to {@code target}, leaving out the subtree {@code skip}. */
    private static void copyTree(Path source, Path target, Path skip) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(skip)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Path dest = target.resolve(source.relativize(dir).toString());
                Files.createDirectories(dest);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path dest = target.resolve(source.relativize(file).toString());
                // COPY_ATTRIBUTES keeps the POSIX mode, so bin/java and lib/jspawnhelper stay executable.
                Files.copy(file, dest, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Path dest = target.resolve(source.relativize(dir).toString());
                Files.setPosixFilePermissions(dest, Files.getPosixFilePermissions(dir));
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
