package dev.tunnelhelper.helper.binary;

import java.util.List;
import java.util.Objects;

/**
 * One start's worth of input: where the deployment is, the operator's literal headers (sent on
 * every request), who wants progress, and whether this start asks to skip signature checks
 * (honoured only if the configuration allows it).
 */
public record AcquisitionRequest(
        String accessUrl,
        List<OperatorHeader> headers,
        ProgressListener progress,
        boolean disableSignatureValidation) {

    public AcquisitionRequest {
        Objects.requireNonNull(accessUrl, "accessUrl");
        headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
        progress = progress == null ? ProgressListener.NONE : progress;
    }

    public static AcquisitionRequest of(String accessUrl, List<OperatorHeader> headers) {
        return new AcquisitionRequest(accessUrl, headers, ProgressListener.NONE, false);
    }

    public AcquisitionRequest withProgress(ProgressListener listener) {
        return new AcquisitionRequest(accessUrl, headers, listener, disableSignatureValidation);
    }

    public AcquisitionRequest withDisableSignatureValidation(boolean disable) {
        return new AcquisitionRequest(accessUrl, headers, progress, disable);
    }
}
