package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.OperatorHeader;
import java.util.List;
import java.util.Objects;

/**
 * What a start asks for, checked at the endpoint (headers are valid {@link OperatorHeader}s).
 * Built with {@link #builder}: four of its fields are strings, too easy to swap by position.
 *
 * @param token      the API token: it reaches the tunnel inside {@code StartRequest} and nowhere else,
 *                   so {@link #toString()} leaves it out
 * @param deviceId   empty means the helper's configured one
 * @param deviceOs   empty means the helper's OS
 */
public record StartParameters(
        String accessUrl,
        String token,
        List<OperatorHeader> headers,
        boolean disableSignatureValidation,
        String deviceId,
        String deviceOs) {

    public StartParameters {
        Objects.requireNonNull(accessUrl, "accessUrl");
        Objects.requireNonNull(token, "token");
        headers = List.copyOf(headers);
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(deviceOs, "deviceOs");
    }

    /** A start of {@code accessUrl} with {@code token}: no headers, signatures checked, the helper's device id and OS. */
    public static Builder builder(String accessUrl, String token) {
        return new Builder(accessUrl, token);
    }

    @Override
    public String toString() {
        return "StartParameters[accessUrl=" + accessUrl + ", headers="
                + headers.stream().map(OperatorHeader::name).toList() + ", disableSignatureValidation="
                + disableSignatureValidation + "]";
    }

    public static final class Builder {
        private final String accessUrl;
        private final String token;
        private List<OperatorHeader> headers = List.of();
        private boolean disableSignatureValidation;
        private String deviceId = "";
        private String deviceOs = "";

        private Builder(String accessUrl, String token) {
            this.accessUrl = accessUrl;
            this.token = token;
        }

        public Builder headers(List<OperatorHeader> headers) {
            this.headers = headers;
            return this;
        }

        public Builder disableSignatureValidation(boolean disable) {
            this.disableSignatureValidation = disable;
            return this;
        }

        public Builder deviceId(String deviceId) {
            this.deviceId = deviceId;
            return this;
        }

        public Builder deviceOs(String deviceOs) {
            this.deviceOs = deviceOs;
            return this;
        }

        public StartParameters build() {
            return new StartParameters(accessUrl, token, headers, disableSignatureValidation, deviceId, deviceOs);
        }
    }
}
