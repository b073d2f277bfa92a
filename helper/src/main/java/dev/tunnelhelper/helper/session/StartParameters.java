package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.OperatorHeader;
import java.util.List;
import java.util.Objects;

/**
 * What a start asks for, checked at the endpoint (headers are valid {@link OperatorHeader}s).
 *
 * @param token      the API token: it reaches the tunnel inside {@code StartRequest} and nowhere else,
 *                   so {@link #toString()} leaves it out
 * @param deviceId   empty means the helper's configured one
 * @param deviceOs   empty means the helper's OS
 */
public record StartParameters(String accessUrl, String token, List<OperatorHeader> headers,
        boolean disableSignatureValidation, String deviceId, String deviceOs) {

    public StartParameters {
        Objects.requireNonNull(accessUrl, "accessUrl");
        Objects.requireNonNull(token, "token");
        headers = List.copyOf(headers);
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(deviceOs, "deviceOs");
    }

    @Override
    public String toString() {
        return "StartParameters[accessUrl=" + accessUrl + ", headers=" + headers.stream().map(OperatorHeader::name).toList()
                + ", disableSignatureValidation=" + disableSignatureValidation + "]";
    }
}
