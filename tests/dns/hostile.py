#!/usr/bin/env python3
"""A hostile DNS responder for tests (tests/hostile_dns_test.sh), on 127.0.0.1, UDP and TCP
on the same port. The first label of the question picks the misbehaviour; every name is
under hostile.test:

  ok          a correct answer (A 192.0.2.1, AAAA none): the control case
  garbage     40 random bytes            short       5 bytes (less than a header)
  badptr      a compression pointer past the end of the message
  ptrloop     a compression pointer to itself
  wrongid     a correct answer with another message id
  othername   a correct answer to a question for another name
  foreign     the right question, but the A record is owned by another name
  notresponse the query echoed back (QR bit clear)
  noquestion  an answer without its question section
  rcode15     an unassigned rcode
  overcount   ancount 65535 with 3000 records present, in one 50 KB UDP datagram
  huge        truncated over UDP; over TCP 4000 A records (64 KB, the TCP maximum)
  tcclose     truncated over UDP; TCP accepts the query and closes without answering
  tctc        truncated over UDP and truncated again over TCP
  bomb        CNAME b1.bomb..., each asked name answering with the next: an endless chain
  wide        one answer holding a 500-long CNAME chain
  loop        CNAME to loop2, which has a CNAME back to loop
  drip        truncated over UDP; over TCP the answer arrives one byte every 0.5 s
  silent      no answer at all

Usage: hostile.py PORT_FILE   (binds a free port, writes it to PORT_FILE, serves until
killed). Python standard library only.
"""
import random
import socket
import socketserver
import struct
import sys
import threading
import time

ZONE = "hostile.test"


def encode_name(name):
    out = b""
    for label in name.split("."):
        if label:
            out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def parse_query(data):
    """(id, flags, qname, qtype, question bytes) of a query, or None."""
    if len(data) < 12:
        return None
    qid, flags, qdcount = struct.unpack(">HHH", data[:6])
    if qdcount < 1:
        return None
    pos, labels = 12, []
    while pos < len(data) and data[pos] != 0:
        n = data[pos]
        if n > 63 or pos + 1 + n > len(data):
            return None
        labels.append(data[pos + 1:pos + 1 + n].decode("ascii", "replace").lower())
        pos += 1 + n
    pos += 1
    if pos + 4 > len(data):
        return None
    qtype = struct.unpack(">H", data[pos:pos + 2])[0]
    return qid, flags, ".".join(labels), qtype, data[12:pos + 4]


def header(qid, flags, qd, an, ns=0, ar=0):
    return struct.pack(">HHHHHH", qid, flags, qd, an, ns, ar)


RESPONSE = 0x8000 | 0x0400 | 0x0100 | 0x0080  # QR, AA, RD, RA
TC = 0x0200


def rr(owner, rtype, ttl, rdata):
    return owner + struct.pack(">HHIH", rtype, 1, ttl, len(rdata)) + rdata


def answer(qid, question, records, flags=RESPONSE, rcode=0, qd=1):
    body = question if qd else b""
    return header(qid, flags | rcode, qd, len(records), 0, 0) + body + b"".join(records)


def a_records(qtype, owner=b"\xc0\x0c", count=1):
    if qtype != 1:
        return []
    return [rr(owner, 1, 60, bytes([192, 0, 2, 1 + i % 250]) if count == 1 else
               struct.pack(">I", 0x0A000000 + i)) for i in range(count)]


def respond(query, tcp):
    """The bytes to send for a query (None: send nothing; "close": close the connection;
    ("drip", bytes): send slowly)."""
    parsed = parse_query(query)
    if parsed is None:
        return None
    qid, _flags, qname, qtype, question = parsed
    if not qname.endswith(ZONE):
        return answer(qid, question, [], rcode=5)
    # The case is the label just before the zone: "b7.bomb.hostile.test" is "bomb".
    rest = qname[:-len(ZONE)].rstrip(".").split(".")
    first = rest[-1]

    if first == "ok":
        return answer(qid, question, a_records(qtype))
    if first == "garbage":
        rnd = random.Random(qid)
        return bytes(rnd.randrange(256) for _ in range(40))
    if first == "short":
        return struct.pack(">H", qid) + b"\x81\x80\x00"
    if first == "badptr":
        return answer(qid, question, [rr(b"\xc3\xff", 1, 60, bytes(4))])
    if first == "ptrloop":
        msg = answer(qid, question, [])
        loop_at = len(msg)
        return header(qid, RESPONSE, 1, 1) + question + bytes([0xC0 | (loop_at >> 8), loop_at & 0xFF]) + \
            struct.pack(">HHIH", 1, 1, 60, 4) + bytes(4)
    if first == "wrongid":
        return answer((qid + 1) & 0xFFFF, question, a_records(qtype))
    if first == "othername":
        other = encode_name("elsewhere.example") + question[-4:]
        return answer(qid, other, a_records(qtype))
    if first == "foreign":
        return answer(qid, question, a_records(qtype, owner=encode_name("elsewhere.example")))
    if first == "notresponse":
        return query
    if first == "noquestion":
        return answer(qid, b"", a_records(qtype, owner=encode_name(qname)), qd=0)
    if first == "rcode15":
        return answer(qid, question, [], rcode=15)
    if first == "overcount":
        records = a_records(qtype, count=3000)
        return header(qid, RESPONSE, 1, 65535 if records else 0) + question + b"".join(records)
    if first in ("huge", "tcclose", "tctc", "drip") and not tcp:
        return answer(qid, question, [], flags=RESPONSE | TC)
    if first == "huge":
        return answer(qid, question, a_records(qtype, count=4000))
    if first == "tcclose":
        return "close"
    if first == "tctc":
        return answer(qid, question, [], flags=RESPONSE | TC)
    if first == "drip":
        return ("drip", answer(qid, question, a_records(qtype)))
    if first == "bomb":
        # b<N>.bomb.hostile.test -> b<N+1>.bomb.hostile.test, forever.
        n = int(rest[0][1:]) if len(rest) > 1 and rest[0][1:].isdigit() else 0
        target = encode_name("b%d.bomb.%s" % (n + 1, ZONE))
        return answer(qid, question, [rr(b"\xc0\x0c", 5, 60, target)])
    if first == "wide":
        # Each owner is a compression pointer to the previous record's target.
        msg = header(qid, RESPONSE, 1, 500) + question
        owner = b"\xc0\x0c"
        for i in range(500):  # pointers reach 16 KB only
            target_at = len(msg) + len(owner) + 10
            label = b"w%d" % i
            msg += rr(owner, 5, 60, bytes([len(label)]) + label + b"\xc0\x0c")
            owner = bytes([0xC0 | (target_at >> 8), target_at & 0xFF])
        return msg
    if first in ("loop", "loop2"):
        target = encode_name(("loop2." if first == "loop" else "loop.") + ZONE)
        return answer(qid, question, [rr(b"\xc0\x0c", 5, 60, target)])
    if first == "silent":
        return None
    return answer(qid, question, [], rcode=3)


class Udp(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        out = respond(data, tcp=False)
        if isinstance(out, bytes):
            try:
                sock.sendto(out, self.client_address)
            except OSError as e:
                print("hostile.py: %s" % e, file=sys.stderr)


class Tcp(socketserver.BaseRequestHandler):
    def handle(self):
        conn = self.request
        conn.settimeout(30)
        try:
            while True:
                head = self._read(2)
                if head is None:
                    return
                query = self._read(struct.unpack(">H", head)[0])
                if query is None:
                    return
                out = respond(query, tcp=True)
                if out is None or out == "close":
                    return
                if isinstance(out, tuple):
                    msg = struct.pack(">H", len(out[1])) + out[1]
                    for i in range(len(msg)):
                        conn.sendall(msg[i:i + 1])
                        time.sleep(0.5)
                    return
                conn.sendall(struct.pack(">H", len(out)) + out[:65535])
        except OSError:
            return

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.request.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf


class ThreadedUdp(socketserver.ThreadingMixIn, socketserver.UDPServer):
    daemon_threads = True


class ThreadedTcp(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    port_file = sys.argv[1]
    for _ in range(50):
        udp = ThreadedUdp(("127.0.0.1", 0), Udp)
        port = udp.server_address[1]
        try:
            tcp = ThreadedTcp(("127.0.0.1", port), Tcp)
            break
        except OSError:
            udp.server_close()
    else:
        sys.exit("hostile.py: no free port for both UDP and TCP")
    threading.Thread(target=udp.serve_forever, daemon=True).start()
    threading.Thread(target=tcp.serve_forever, daemon=True).start()
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    import os
    os.rename(port_file + ".tmp", port_file)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
