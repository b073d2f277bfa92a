package dev.tunnelhelper.protocol;

import java.io.IOException;

/** No reply arrived within the call's timeout. The speaker stays usable; a late reply is dropped. */
public final class RpcTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    public RpcTimeoutException(String message) {
        super(message);
    }
}
