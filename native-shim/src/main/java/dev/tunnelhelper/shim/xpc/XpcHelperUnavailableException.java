package dev.tunnelhelper.shim.xpc;

import dev.tunnelhelper.protocol.endpoint.HelperUnavailableException;

/** The helper could not be reached over XPC, or what answered is not the helper (see {@link ServiceEnding}). */
public final class XpcHelperUnavailableException extends HelperUnavailableException {
    private static final long serialVersionUID = 1L;

    private final String service;

    XpcHelperUnavailableException(String service, String why) {
        super(null, null, why);
        this.service = service;
    }

    /** The Mach service name that was tried. */
    public String service() {
        return service;
    }
}
