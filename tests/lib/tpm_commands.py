#!/usr/bin/env python3
"""Lists the TPM commands in a capture of the tpm2-tss pcap TCTI, one command
code per line (0x0000015d for TPM2_Sign), in the order they were sent.
A command the TPM answered with "send it again" (TPM_RC_RETRY, YIELDED,
TESTING; ESYS resends it itself) is listed once, as it is run once.

    tpm_commands.py FILE.pcap
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
from pcap_commands import segments  # noqa: E402  (the pcapng reader)

RESEND = {0x922, 0x908, 0x90A}

tpm_port = None
command = None
for port, payload in segments(open(sys.argv[1], "rb").read()):
    if len(payload) < 10:
        continue
    if tpm_port is None:
        tpm_port = port  # the first segment is a command
    # Header: tag (2), size (4), then the command code or response code (4).
    code = struct.unpack_from(">I", payload, 6)[0]
    if port == tpm_port:
        command = code
    elif command is not None:
        if code not in RESEND:
            print("0x%08x" % command)
        command = None
