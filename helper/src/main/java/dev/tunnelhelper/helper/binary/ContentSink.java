package dev.tunnelhelper.helper.binary;

/** Something that must see a binary's bytes as they stream past, in order. */
@FunctionalInterface
public interface ContentSink {

    ContentSink NONE = (bytes, offset, length) -> {};

    void update(byte[] bytes, int offset, int length);
}
