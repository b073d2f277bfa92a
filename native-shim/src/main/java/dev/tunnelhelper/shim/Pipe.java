package dev.tunnelhelper.shim;

/** Both ends of a pipe, each owned and close-on-exec (spawn maps them explicitly). */
public final class Pipe implements AutoCloseable {
    private final OwnedFd readEnd;
    private final OwnedFd writeEnd;

    Pipe(OwnedFd readEnd, OwnedFd writeEnd) {
        this.readEnd = readEnd;
        this.writeEnd = writeEnd;
    }

    public OwnedFd readEnd() {
        return readEnd;
    }

    public OwnedFd writeEnd() {
        return writeEnd;
    }

    /** Closes whichever ends are still owned. */
    @Override
    public void close() {
        try {
            readEnd.close();
        } finally {
            writeEnd.close();
        }
    }
}
