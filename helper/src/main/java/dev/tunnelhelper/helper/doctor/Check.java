package dev.tunnelhelper.helper.doctor;

/**
 * One diagnosis: what was checked, the verdict, one line of evidence, and for a warning or a
 * failure the fix.
 *
 * @param fix null for {@link Status#OK}
 */
public record Check(String name, Status status, String detail, String fix) {

    public enum Status {
        OK,
        WARN,
        FAIL;

        /** As printed and in the JSON: ok, warn, fail. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static Check ok(String name, String detail) {
        return new Check(name, Status.OK, detail, null);
    }

    static Check warn(String name, String detail, String fix) {
        return new Check(name, Status.WARN, detail, fix);
    }

    static Check fail(String name, String detail, String fix) {
        return new Check(name, Status.FAIL, detail, fix);
    }
}
