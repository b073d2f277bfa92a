package dev.tunnelhelper.helper.binary;

import java.nio.file.Path;

/** A binary awaiting verification: the file (not yet executable by anything) and its SHA-256. */
public record CandidateBinary(Path file, String sha256) {}
