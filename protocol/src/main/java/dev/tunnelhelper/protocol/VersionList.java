package dev.tunnelhelper.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The versions one side offers: one {@code major.minor} per major, majors strictly ascending
 * (docs/protocol.md §1.2). The minor is the highest minor of that major the side speaks.
 */
public final class VersionList {
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,9}");

    private final List<ProtocolVersion> versions;

    private VersionList(List<ProtocolVersion> versions) {
        this.versions = List.copyOf(versions);
    }

    public static VersionList of(ProtocolVersion... versions) {
        if (versions.length == 0) {
            throw new IllegalArgumentException("a version list needs at least one version");
        }
        List<ProtocolVersion> list = List.of(versions);
        for (int i = 1; i < list.size(); i++) {
            if (list.get(i).major() <= list.get(i - 1).major()) {
                throw new IllegalArgumentException("majors must be strictly ascending: " + render(list));
            }
        }
        return new VersionList(list);
    }

    /** Parses the wire form, e.g. {@code 1.3} or {@code 1.3,2.0}. */
    public static VersionList parse(String text) throws ProtocolException {
        if (text.isEmpty()) {
            throw new ProtocolException("invalid version list \"\": empty");
        }
        List<ProtocolVersion> list = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            int dot = item.indexOf('.');
            if (dot < 0
                    || !DECIMAL.matcher(item.substring(0, dot)).matches()
                    || !DECIMAL.matcher(item.substring(dot + 1)).matches()) {
                throw new ProtocolException("invalid version list \"" + PeerText.of(text) + "\": \"" + PeerText.of(item)
                        + "\" is not major.minor in decimal");
            }
            int major = Integer.parseInt(item.substring(0, dot));
            int minor = Integer.parseInt(item.substring(dot + 1));
            if (major < 1) {
                throw new ProtocolException("invalid version list \"" + PeerText.of(text)
                        + "\": major must be >= 1 in \"" + PeerText.of(item) + "\"");
            }
            if (!list.isEmpty()) {
                int previous = list.get(list.size() - 1).major();
                if (major == previous) {
                    throw new ProtocolException(
                            "invalid version list \"" + PeerText.of(text) + "\": major " + major + " appears twice");
                }
                if (major < previous) {
                    throw new ProtocolException(
                            "invalid version list \"" + PeerText.of(text) + "\": majors are not ascending");
                }
            }
            list.add(new ProtocolVersion(major, minor));
        }
        return new VersionList(list);
    }

    public List<ProtocolVersion> versions() {
        return versions;
    }

    /** Highest common major, with the lower of the two minors; empty when no major is shared. */
    public Optional<ProtocolVersion> negotiate(VersionList peer) {
        for (int i = versions.size() - 1; i >= 0; i--) {
            ProtocolVersion ours = versions.get(i);
            for (ProtocolVersion theirs : peer.versions) {
                if (theirs.major() == ours.major()) {
                    return Optional.of(new ProtocolVersion(ours.major(), Math.min(ours.minor(), theirs.minor())));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return render(versions);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionList other && other.versions.equals(versions);
    }

    @Override
    public int hashCode() {
        return versions.hashCode();
    }

    private static String render(List<ProtocolVersion> list) {
        return list.stream().map(ProtocolVersion::toString).collect(Collectors.joining(","));
    }
}
