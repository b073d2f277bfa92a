package dev.tunnelhelper.helper.binary;

/**
 * Lowercase hex digests and size of one binary's (decompressed) content: SHA-1 (the
 * deployment's ETag), SHA-256 (what pins and caches key on) and SHA-512 (what the Ed25519
 * signature signs).
 */
record FileHashes(String sha1, String sha256, String sha512, long size) {
}
