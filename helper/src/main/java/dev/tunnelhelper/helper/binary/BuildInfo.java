package dev.tunnelhelper.helper.binary;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The part of {@code /api/v2/buildinfo} the helper relies on. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BuildInfo(@JsonProperty("version") String version) {
}
