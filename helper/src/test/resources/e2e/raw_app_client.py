#!/usr/bin/env python3
"""A minimal app-endpoint client written from docs/protocol.md, with no protobuf library:
hello line, one Ping request, then prints what came back ("pong <version>" or
"error <code> <message>") and "eof" when the helper closes the connection."""
import socket
import struct
import sys


def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def fields(buf):
    i, out = 0, {}
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 2:
            length, i = varint(buf, i)
            value, i = buf[i:i + length], i + length
        else:
            raise ValueError("unexpected wire type %d" % wire)
        out[number] = value
    return out


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(sys.argv[1])
sock.sendall(b"tunnelhelper app 1.0\n")
line = b""
while not line.endswith(b"\n"):
    line += sock.recv(1)
print("hello", line.decode().strip())
ping = bytes([0x0A, 0x02, 0x08, 0x01, 0x12, 0x00])  # rpc{msg_id:1}, ping{}
sock.sendall(struct.pack(">I", len(ping)) + ping)
while True:
    header = read_exact(sock, 4)
    if header is None:
        print("eof")
        break
    msg = fields(read_exact(sock, struct.unpack(">I", header)[0]))
    if 2 in msg:
        print("pong", fields(msg[2]).get(1, b"").decode())
        break
    if 9 in msg:
        err = fields(msg[9])
        print("error", err.get(1, b"").decode(), err.get(2, b"").decode())
