package dev.tunnelhelper.netext.cli;

import dev.tunnelhelper.protocol.vpn.StartRequest;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --header Name=Value}; the value may contain '='. */
final class HeaderConverter implements ITypeConverter<StartRequest.Header> {
    @Override
    public StartRequest.Header convert(String value) {
        int eq = value.indexOf('=');
        if (eq <= 0) {
            throw new TypeConversionException("header '" + value + "' must be NAME=VALUE");
        }
        String name = value.substring(0, eq).trim();
        if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            throw new TypeConversionException("'" + name + "' is not a valid HTTP header name");
        }
        return StartRequest.Header.newBuilder()
                .setName(name)
                .setValue(value.substring(eq + 1))
                .build();
    }
}
