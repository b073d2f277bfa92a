package dev.tunnelhelper.helper.binary;

/** The parts of an acquisition, in the order they run; each is reported once, as it begins. */
public enum AcquisitionPhase {
    /** Build info and the minimum version. */
    FETCHING_INFO,
    /** The conditional request for the binary, which a 304 ends at once, and the transfer. */
    DOWNLOADING,
    /** Signature checks, then the version probe, then the atomic install. */
    VALIDATING
}
