package dev.tunnelhelper.netext;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;

/**
 * Network-settings diffs as any tunnel could send them (arbitrary protobuf): merging follows
 * PROTOCOL-FACTS §1.4 field by field, merging the same diff twice changes nothing more, two
 * diffs in a row equal their merged diff applied once, and a preview never changes the
 * settings in effect.
 */
class SettingsMergerFuzzTest {

    @FuzzTest
    void diffsMergeFieldByFieldIdempotentlyAndComposeAndPreviewsChangeNothing(FuzzedDataProvider data) {
        NetworkSettingsRequest base;
        NetworkSettingsRequest first;
        NetworkSettingsRequest second;
        try {
            base = NetworkSettingsRequest.parseFrom(data.consumeBytes(data.consumeInt(0, 512)));
            first = NetworkSettingsRequest.parseFrom(data.consumeBytes(data.consumeInt(0, 512)));
            second = NetworkSettingsRequest.parseFrom(data.consumeRemainingAsBytes());
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        NetworkSettingsRequest merged = SettingsMerger.merge(base, first);
        assertEquals(first.hasDnsSettings() ? first.getDnsSettings() : base.getDnsSettings(), merged.getDnsSettings());
        assertEquals(first.hasDnsSettings() || base.hasDnsSettings(), merged.hasDnsSettings());
        assertEquals(
                first.hasIpv4Settings() ? first.getIpv4Settings() : base.getIpv4Settings(), merged.getIpv4Settings());
        assertEquals(
                first.hasIpv6Settings() ? first.getIpv6Settings() : base.getIpv6Settings(), merged.getIpv6Settings());
        assertEquals(first.getMtu() != 0 ? first.getMtu() : base.getMtu(), merged.getMtu());
        assertEquals(
                first.getTunnelOverheadBytes() != 0 ? first.getTunnelOverheadBytes() : base.getTunnelOverheadBytes(),
                merged.getTunnelOverheadBytes());
        assertEquals(
                first.getTunnelRemoteAddress().isEmpty()
                        ? base.getTunnelRemoteAddress()
                        : first.getTunnelRemoteAddress(),
                merged.getTunnelRemoteAddress());

        assertEquals(merged, SettingsMerger.merge(merged, first), "merging the same diff twice changed the result");
        assertEquals(
                SettingsMerger.merge(merged, second),
                SettingsMerger.merge(base, SettingsMerger.merge(first, second)),
                "two diffs in a row differ from their merged diff");
        assertEquals(
                base,
                SettingsMerger.merge(base, NetworkSettingsRequest.getDefaultInstance()),
                "an empty diff changed the settings");

        SettingsMerger merger = new SettingsMerger();
        merger.commit(base);
        assertEquals(merged, merger.preview(first));
        assertEquals(base, merger.current(), "a preview changed the settings in effect");
    }
}
