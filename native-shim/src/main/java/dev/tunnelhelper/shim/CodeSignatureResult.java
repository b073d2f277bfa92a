package dev.tunnelhelper.shim;

import java.util.Optional;

/**
 * Outcome of a static signature check. Identifier and team id are whatever the signature
 * says, present even when the requirement was not met (useful for the error message).
 */
public record CodeSignatureResult(
        boolean valid, Optional<String> signingIdentifier, Optional<String> teamIdentifier, String message) {}
