package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.protocol.PeerText;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version as deployments report it ({@code v2.24.3+a1b2c3d}, {@code 2.25.0-rc.1}).
 * Ordering follows semver 2.0: the leading {@code v} and {@code +build} metadata are ignored,
 * and a pre-release sorts below its release ({@code 2.24.3-rc.1 < 2.24.3}).
 */
public final class SemanticVersion implements Comparable<SemanticVersion> {

    private static final Pattern FORMAT =
            Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");

    private final String original;
    private final long major;
    private final long minor;
    private final long patch;
    private final List<String> preRelease;

    private SemanticVersion(String original, long major, long minor, long patch, List<String> preRelease) {
        this.original = original;
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.preRelease = preRelease;
    }

    /** Parses {@code [v]MAJOR.MINOR.PATCH[-PRE][+BUILD]}; anything else is an IllegalArgumentException. */
    public static SemanticVersion parse(String text) {
        Objects.requireNonNull(text, "version");
        String core = text.trim();
        if (core.startsWith("v") || core.startsWith("V")) {
            core = core.substring(1);
        }
        int plus = core.indexOf('+');
        if (plus >= 0) {
            String build = core.substring(plus + 1);
            if (!build.matches("[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*")) {
                throw new IllegalArgumentException("not a semantic version: '" + PeerText.of(text) + "'");
            }
            core = core.substring(0, plus);
        }
        Matcher m = FORMAT.matcher(core);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a semantic version: '" + PeerText.of(text) + "'");
        }
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        for (String identifier : pre) {
            if (isNumeric(identifier) && identifier.length() > 1 && identifier.startsWith("0")) {
                throw new IllegalArgumentException("not a semantic version (leading zero in '" + PeerText.of(identifier)
                        + "'): '" + PeerText.of(text) + "'");
            }
        }
        try {
            return new SemanticVersion(
                    text.trim(),
                    Long.parseLong(m.group(1)),
                    Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)),
                    pre);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("version number too large: '" + PeerText.of(text) + "'", e);
        }
    }

    /** The text this was parsed from, e.g. {@code v2.24.3+a1b2c3d}. */
    public String original() {
        return original;
    }

    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    public boolean isBelow(SemanticVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(SemanticVersion o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        for (int i = 0; i < Math.min(preRelease.size(), o.preRelease.size()); i++) {
            c = compareIdentifier(preRelease.get(i), o.preRelease.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(preRelease.size(), o.preRelease.size());
    }

    private static int compareIdentifier(String a, String b) {
        boolean numA = isNumeric(a);
        boolean numB = isNumeric(b);
        if (numA && numB) {
            // Compare by length first so identifiers beyond long range still order correctly.
            int byLength = Integer.compare(a.length(), b.length());
            return byLength != 0 ? byLength : a.compareTo(b);
        }
        if (numA != numB) {
            return numA ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static boolean isNumeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    /** Equal precedence, i.e. equal ignoring {@code v} and build metadata. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SemanticVersion other && compareTo(other) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(major, minor, patch, preRelease);
    }

    @Override
    public String toString() {
        return original;
    }
}
