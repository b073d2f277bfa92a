package dev.tunnelhelper.netext;

/** The helper's {@code CancelProvider}: the session is over and the provider must tear down. */
@FunctionalInterface
public interface CancelListener {
    /** {@code error} empty: a clean stop requested elsewhere; otherwise why the tunnel is gone. */
    void onCancel(String error);
}
