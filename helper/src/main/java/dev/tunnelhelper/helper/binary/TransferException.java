package dev.tunnelhelper.helper.binary;

import java.io.IOException;

/** An HTTP exchange with the deployment failed; the message says how, for a person to read. */
class TransferException extends IOException {

    TransferException(String message) {
        super(message);
    }

    TransferException(String message, Throwable cause) {
        super(message, cause);
    }
}
