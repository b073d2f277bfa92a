package dev.tunnelhelper.launchd.install;

import dev.tunnelhelper.cli.CliDocs;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Puts the programs' shell completion and man pages (generated at build time by {@link CliDocs}
 * into the helper's jar) where shells and {@code man} find them: bash-completion's and man's
 * {@code /usr/local/share} directories, which are searched by default on Linux and macOS alike.
 */
public final class CliDocsInstaller {
    public static final String COMPLETION_DIR = "/usr/local/share/bash-completion/completions";
    public static final String MAN_DIR = "/usr/local/share/man";

    private final ServiceFiles files;
    private final ClassLoader resources;

    public CliDocsInstaller(ServiceFiles files, ClassLoader resources) {
        this.files = files;
        this.resources = resources;
    }

    public void install(InstallRoot root, Report report) throws IOException {
        List<String> entries = entries();
        if (entries.isEmpty()) {
            report.info("no completion scripts or man pages in this build (" + CliDocs.RESOURCE_DIR + " absent)");
            return;
        }
        int written = 0;
        for (String entry : entries) {
            try (InputStream in = resources.getResourceAsStream(CliDocs.RESOURCE_DIR + "/" + entry)) {
                if (in == null) {
                    throw new IOException("the build lists " + entry + " but does not contain it");
                }
                if (files.writeIfChanged(target(root, entry), in.readAllBytes())) {
                    written++;
                }
            }
        }
        report.info("completion and man pages: " + entries.size() + " file(s) in " + root.resolve(COMPLETION_DIR)
                + " and " + root.resolve(MAN_DIR) + "/man1 (" + written + " changed)");
    }

    public void uninstall(InstallRoot root, Report report) throws IOException {
        int removed = 0;
        for (String entry : entries()) {
            if (files.deleteIfExists(target(root, entry))) {
                removed++;
            }
        }
        if (removed > 0) {
            report.info("removed " + removed + " completion and man page file(s)");
        }
    }

    /** {@code completion/NAME} and {@code man/man1/PAGE.1}, as listed in every index on the classpath. */
    private List<String> entries() throws IOException {
        List<String> entries = new ArrayList<>();
        for (URL index : Collections.list(resources.getResources(CliDocs.RESOURCE_DIR + "/" + CliDocs.INDEX))) {
            try (InputStream in = index.openStream()) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        entries.add(line.strip());
                    }
                }
            }
        }
        return entries;
    }

    private static Path target(InstallRoot root, String entry) throws IOException {
        if (!entry.matches("(completion/[A-Za-z0-9._-]+|man/man1/[A-Za-z0-9._-]+\\.1)")) {
            throw new IOException("unexpected entry in the completion/man index: " + entry);
        }
        return entry.startsWith("completion/")
                ? root.resolve(COMPLETION_DIR + "/" + entry.substring("completion/".length()))
                : root.resolve(MAN_DIR + "/" + entry.substring("man/".length()));
    }
}
