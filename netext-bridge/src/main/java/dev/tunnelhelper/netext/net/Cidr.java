package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.netext.SettingsApplyException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An address or network with a prefix length, as the tools want it ({@code 100.100.0.0/16}).
 * Only literals are accepted: a host name here would make us do a DNS lookup while configuring DNS.
 */
public record Cidr(String address, int prefix, boolean ipv6) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    public static Cidr of(String literal, int prefix) throws SettingsApplyException {
        byte[] raw = parse(literal);
        boolean v6 = raw.length == 16;
        int max = v6 ? 128 : 32;
        if (prefix < 0 || prefix > max) {
            throw new SettingsApplyException("prefix length " + prefix + " out of range for " + literal);
        }
        return new Cidr(format(raw), prefix, v6);
    }

    /** The network containing this address: host bits cleared, as route destinations must be. */
    public Cidr network() throws SettingsApplyException {
        byte[] raw = parse(address);
        for (int bit = prefix; bit < raw.length * 8; bit++) {
            raw[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new Cidr(format(raw), prefix, ipv6);
    }

    /** The address as Java's type; it is a literal, so no name lookup happens. */
    public InetAddress inetAddress() {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a validated literal failed to parse: " + address, e);
        }
    }

    /** A dotted IPv4 mask as a prefix length; only contiguous masks exist for routing. */
    public static int prefixOfMask(String mask) throws SettingsApplyException {
        if (!IPV4.matcher(mask).matches()) {
            throw new SettingsApplyException("subnet mask '" + mask + "' is not a dotted IPv4 mask");
        }
        byte[] raw = parse(mask);
        int bits = 0;
        for (byte b : raw) {
            bits = (bits << 8) | (b & 0xff);
        }
        int prefix = Integer.bitCount(bits);
        int expected = prefix == 0 ? 0 : -1 << (32 - prefix);
        if (bits != expected) {
            throw new SettingsApplyException("subnet mask '" + mask + "' is not contiguous");
        }
        return prefix;
    }

    private static byte[] parse(String literal) throws SettingsApplyException {
        String s = literal.trim();
        boolean looksV4 = IPV4.matcher(s).matches();
        boolean looksV6 = s.contains(":") && IPV6.matcher(s).matches();
        if (!looksV4 && !looksV6) {
            throw new SettingsApplyException("'" + literal + "' is not an IP address literal");
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new SettingsApplyException("'" + literal + "' is not a valid IP address", e);
        }
    }

    private static String format(byte[] raw) throws SettingsApplyException {
        try {
            String text = InetAddress.getByAddress(raw).getHostAddress();
            return raw.length == 16 ? compressIpv6(text) : text;
        } catch (UnknownHostException e) {
            throw new SettingsApplyException("bad address length " + raw.length, e);
        }
    }

    /** Java prints IPv6 uncompressed; people (and {@code ip}, {@code ifconfig}) read it compressed. */
    private static String compressIpv6(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; i++) {
            groups[i] = groups[i].replaceFirst("^0+(?=.)", "");
        }
        for (int i = 0; i < groups.length; ) {
            if (!groups[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLen && j - i > 1) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        String left = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String right = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return left + "::" + right;
    }

    @Override
    public String toString() {
        return address + "/" + prefix;
    }
}
