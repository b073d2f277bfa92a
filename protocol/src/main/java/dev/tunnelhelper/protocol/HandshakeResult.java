package dev.tunnelhelper.protocol;

/** What the handshake settled: the version both sides speak, and what the peer offered. */
public record HandshakeResult(ProtocolVersion version, String peerRole, VersionList peerVersions) {}
