package dev.tunnelhelper.shim;

import java.util.Objects;

/**
 * Who "signed" a file in the simulator: the signing identifier, the team identifier (empty for
 * Apple's own code and ad-hoc signatures) and the certificate anchor.
 */
public record SigningIdentity(String identifier, String team, Anchor anchor) {

    /** {@code anchor apple} holds only for APPLE; {@code anchor apple generic} for both Apple anchors. */
    public enum Anchor {
        /** Apple's own code (platform binaries such as /bin/ls). */
        APPLE("apple"),
        /** A Developer ID or App Store certificate issued by Apple to a team. */
        APPLE_GENERIC("apple-generic"),
        /** Ad-hoc: signed, but no certificate at all. */
        ADHOC("adhoc");

        private final String nativeName;

        Anchor(String nativeName) {
            this.nativeName = nativeName;
        }

        String nativeName() {
            return nativeName;
        }
    }

    public SigningIdentity {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(anchor, "anchor");
    }

    /** Signed by a team with a Developer ID certificate, as a vendor signs its app. */
    public static SigningIdentity developerId(String identifier, String team) {
        return new SigningIdentity(identifier, team, Anchor.APPLE_GENERIC);
    }

    /** Apple's own signature, as on /bin/ls. */
    public static SigningIdentity apple(String identifier) {
        return new SigningIdentity(identifier, "", Anchor.APPLE);
    }
}
