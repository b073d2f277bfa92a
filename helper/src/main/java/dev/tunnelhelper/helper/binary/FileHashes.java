package dev.tunnelhelper.helper.binary;

/** Lowercase hex digests and size of one binary's (decompressed) content. */
record FileHashes(String sha1, String sha256, long size) {}
