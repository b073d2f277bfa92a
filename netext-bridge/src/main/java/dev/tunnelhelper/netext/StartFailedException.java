package dev.tunnelhelper.netext;

import java.io.IOException;

/** {@code start_daemon_result{success: false}}: the helper tried and the session did not come up. */
public final class StartFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    public StartFailedException(String reason) {
        super(reason.isEmpty() ? "the helper reported a failed start without a reason" : reason);
    }
}
