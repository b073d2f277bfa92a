package dev.tunnelhelper.helper.binary;

/**
 * Lowercase hex digests and size of one binary's (decompressed) content. The SHA-1 is what the
 * next conditional request sends as {@code If-None-Match}: computed, or for a download the one its
 * ETag stated ({@link OpenResponse#etagSha1}); trust never rests on it.
 */
record FileHashes(String sha1, String sha256, long size) {}
