package dev.tunnelhelper.protocol.trust;

import java.nio.file.Path;

/**
 * Why a path cannot be trusted: the offending path (the first one found, walking down from
 * {@code /}), what was found there and how to fix it. {@code uid} and {@code mode} are -1 when the
 * path could not be inspected.
 *
 * @param path   the component that failed, which may be a parent of the path asked about
 * @param uid    its owner
 * @param mode   its permission bits ({@code 07777})
 * @param reason one sentence: what is wrong and why it matters
 * @param fix    one sentence: what to do about it
 */
public record TrustProblem(Path path, long uid, int mode, String reason, String fix) {

    /** Owner and mode as {@code ls -l} users read them, e.g. {@code uid 65534, mode 0755}. */
    public String evidence() {
        if (uid < 0) {
            return "not inspectable";
        }
        return String.format("uid %d, mode %04o", uid, mode);
    }

    /** One line for an error message: path, evidence, reason and fix. */
    public String describe() {
        return path + " (" + evidence() + "): " + reason + "; fix: " + fix;
    }
}
