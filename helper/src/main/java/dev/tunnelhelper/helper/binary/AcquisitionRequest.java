package dev.tunnelhelper.helper.binary;

import java.util.List;
import java.util.Objects;

/**
 * One start's worth of input: where the deployment is, the operator's literal headers (sent on
 * every request), who hears about progress, and whether this start asks to skip signature checks
 * (honoured only if the configuration allows it).
 */
public record AcquisitionRequest(
        String accessUrl,
        List<OperatorHeader> headers,
        AcquisitionListener listener,
        boolean disableSignatureValidation) {

    public AcquisitionRequest {
        Objects.requireNonNull(accessUrl, "accessUrl");
        headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
        listener = listener == null ? AcquisitionListener.NONE : listener;
    }

    public static AcquisitionRequest of(String accessUrl, List<OperatorHeader> headers) {
        return new AcquisitionRequest(accessUrl, headers, AcquisitionListener.NONE, false);
    }

    public AcquisitionRequest withListener(AcquisitionListener l) {
        return new AcquisitionRequest(accessUrl, headers, l, disableSignatureValidation);
    }

    public AcquisitionRequest withDisableSignatureValidation(boolean disable) {
        return new AcquisitionRequest(accessUrl, headers, listener, disable);
    }
}
