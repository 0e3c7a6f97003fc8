#!/usr/bin/env python3
"""Counts the TPM commands in a capture written by the tpm2-tss pcap TCTI.

The TCTI frames each command and response as a TCP segment in a pcapng file;
the first segment is a command, so its destination port is the TPM's, and
every segment sent to that port is one command.

    pcap_commands.py FILE.pcap   -> prints the number of commands
"""
import struct
import sys


def segments(data):
    """(destination port, payload) of each packet in a pcapng file."""
    offset = 0
    while offset + 12 <= len(data):
        block_type, block_len = struct.unpack_from("<II", data, offset)
        if block_len < 12:
            break
        if block_type == 6:  # enhanced packet block
            captured = struct.unpack_from("<I", data, offset + 20)[0]
            packet = data[offset + 28 : offset + 28 + captured]
            ihl = (packet[0] & 0x0F) * 4
            tcp = packet[ihl:]
            dst_port = struct.unpack_from(">H", tcp, 2)[0]
            tcp_len = (tcp[12] >> 4) * 4
            yield dst_port, tcp[tcp_len:]
        offset += block_len


def count_commands(data):
    tpm_port = None
    count = 0
    for port, payload in segments(data):
        if not payload:
            continue
        if tpm_port is None:
            tpm_port = port
        if port == tpm_port:
            count += 1
    return count


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as f:
        print(count_commands(f.read()))
